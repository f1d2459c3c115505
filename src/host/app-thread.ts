/**
 * Entry of an app's worker thread: imports the app module, runs its ready() hook (which starts the
 * agent), relays the agent's lifecycle to the host, and ends the thread once the agent has stopped.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type AgentHandle, agentLifecycle } from '../agent/agent-slot.js';
import { isApp } from './app.js';
import { setHostApps } from './host-apps.js';
import type { AppThreadData, FromAppThread, ToAppThread } from './thread-messages.js';

const data = workerData as AppThreadData;
const port = parentPort;
if (port === null) throw new Error('app-thread.js runs only as a worker thread of the app host');
const post = (m: FromAppThread) => port.postMessage(m);
process.env.PYROS_AGENT_CONFIG = data.configPath;

let agent: AgentHandle | undefined;
let shutdownAsked: string | undefined;
agentLifecycle.on('started', (handle) => {
  agent = handle;
  post({ type: 'started', agent: handle.name, port: handle.port });
  if (shutdownAsked !== undefined) handle.requestShutdown(shutdownAsked);
});
agentLifecycle.on('stopped', (name) => {
  post({ type: 'stopped', agent: name });
  // Whatever the app left running (a stray timer, a client socket) must not keep a stopped app alive.
  setImmediate(() => process.exit(0));
});
/**
 * An error nothing caught ends the thread (the supervisor restarts it), but first says what it
 * was: the host's log would otherwise only read "exit code 1". The exit waits a turn so that the
 * message reaches the host.
 */
function die(kind: string): (err: unknown) => void {
  return (err) => {
    const text = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      `app "${data.app}": ${kind}: ${err instanceof Error ? (err.stack ?? text) : text}\n`,
    );
    post({ type: 'failed', error: `${kind}: ${text}` });
    setImmediate(() => process.exit(1));
  };
}
process.on('uncaughtException', die('uncaught exception'));
process.on('unhandledRejection', die('unhandled rejection'));

port.on('message', (m: ToAppThread) => {
  if (m.type === 'host-apps') {
    setHostApps(m.apps);
    return;
  }
  shutdownAsked = m.reason;
  agent?.requestShutdown(m.reason);
});

try {
  const mod = (await import(data.moduleUrl)) as { default?: unknown };
  if (!isApp(mod.default)) {
    throw new Error(`${data.moduleUrl} has no default export made by defineApp({ name, ready })`);
  }
  if (mod.default.name !== data.app) {
    throw new Error(
      `the app in ${data.moduleUrl} is named "${mod.default.name}", but section [${data.app}] loads it`,
    );
  }
  await mod.default.ready();
} catch (err) {
  post({ type: 'failed', error: err instanceof Error ? err.message : String(err) });
  setImmediate(() => process.exit(1));
}
