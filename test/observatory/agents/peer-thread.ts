// The worker entry of a scripted peer (see peers.ts): one agent in its own thread, as in a host,
// that records what it receives and answers from a reply script. Run only through startPeer().
import { parentPort, workerData } from 'node:worker_threads';
import { Agent } from '../../../src/agent/agent.js';
import type { MessageMeta } from '../../../src/agent/message.js';

/** What the thread starts with. */
export interface PeerData {
  readonly name: string;
  /** Message name → body of `(payload, state) => reply`; `state` is an object the script may keep things in. */
  readonly replies: Readonly<Record<string, string>>;
}

/** What the thread tells its parent. */
export type PeerEvent =
  | { readonly type: 'started'; readonly port: number }
  | { readonly type: 'synced'; readonly id: number }
  | {
      readonly type: 'received';
      readonly message: string;
      readonly payload: unknown;
      readonly sender: string;
      readonly at: number;
    };

const data = workerData as PeerData;
const port = parentPort;
if (port === null) throw new Error('peer-thread.ts runs as a worker thread');

class Peer extends Agent {
  readonly memory: Record<string, unknown> = {};
  readonly scripts = new Map<string, (payload: unknown, state: Record<string, unknown>) => unknown>();

  constructor() {
    super(data.name, { handleSignals: false });
    for (const [message, body] of Object.entries(data.replies)) this.script(message, body);
  }

  script(message: string, body: string): void {
    // Test code only: the scripts are the test's own source text.
    this.scripts.set(
      message,
      new Function('payload', 'state', body) as (p: unknown, s: Record<string, unknown>) => unknown,
    );
  }

  protected override analyzeMessage(received: {
    message: string;
    payload: unknown;
    meta: MessageMeta;
  }): unknown {
    port?.postMessage({
      type: 'received',
      message: received.message,
      payload: received.payload,
      sender: received.meta.sender,
      at: Date.now(),
    } satisfies PeerEvent);
    const script = this.scripts.get(received.message);
    return script === undefined ? undefined : script(received.payload, this.memory);
  }
}

const peer = new Peer();
type Command =
  | { type: 'script'; message: string; body: string }
  | { type: 'sync'; id: number }
  | { type: 'stop' };
port.on('message', (m: Command) => {
  if (m.type === 'script') peer.script(m.message, m.body);
  // Answered after every 'received' already posted: the port keeps the order (see Peer.synced).
  else if (m.type === 'sync') port.postMessage({ type: 'synced', id: m.id } satisfies PeerEvent);
  else peer.requestShutdown('test done');
});
await peer.start();
port.postMessage({ type: 'started', port: peer.port ?? 0 } satisfies PeerEvent);
await peer.stopped;
process.exit(0);
