import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logging/logger.js';
import type { AppThreadData, FromAppThread, HostAppReport, ToAppThread } from './thread-messages.js';

/** An app to run: its name and the URL of its module. */
export interface AppSpec {
  readonly name: string;
  readonly moduleUrl: string;
}

/** Restart policy: exponential backoff from `baseMs` up to `maxMs`, back to `baseMs` after `resetAfterMs` of uptime. */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly resetAfterMs: number;
}

export type AppState = HostAppReport['state'];

/** What the supervisor knows of one app. */
export interface AppReport {
  readonly name: string;
  readonly state: AppState;
  readonly restarts: number;
  readonly port: number | undefined;
  readonly lastError: string | undefined;
}

// Under tsx (tests, or a user running TypeScript apps) this file is .ts and so is its sibling; once built, both are .js.
const THREAD_ENTRY = new URL(
  `./app-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

/**
 * A worker thread does not inherit tsx's loader from `--import tsx` on Node 20, so when this process
 * runs under tsx, the thread registers it itself before loading its entry (and then TypeScript apps).
 */
function newAppThread(options: { workerData: AppThreadData; name: string }): Worker {
  const underTsx = process.execArgv.some((a) => a.includes('tsx'));
  if (!underTsx) return new Worker(THREAD_ENTRY, options);
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(THREAD_ENTRY.href)}); })`;
  return new Worker(boot, { ...options, eval: true });
}

class AppRunner {
  state: AppState = 'starting';
  restarts = 0;
  consecutive = 0;
  port: number | undefined;
  lastError: string | undefined;
  worker: Worker | undefined;
  startedAt = 0;
  everStarted = false;
  cleanStop = false;
  stopping = false;
  timer: NodeJS.Timeout | undefined;
  constructor(readonly spec: AppSpec) {}
}

/**
 * Runs each app in its own worker thread, so a CPU-bound handler in one agent never delays another
 * and a crash in one never stops the others. A crashed agent is restarted with exponential backoff;
 * an agent stopped by SHUTDOWN is not; an app that fails before its agent ever started is not retried.
 * Emits 'change' (AppReport) on every state change and 'idle' once no app is running or pending.
 */
export class Supervisor extends EventEmitter<{ change: [AppReport]; idle: [] }> {
  private readonly runners: AppRunner[];

  constructor(
    apps: readonly AppSpec[],
    private readonly configPath: string,
    private readonly log: Logger,
    private readonly backoff: BackoffPolicy = { baseMs: 500, maxMs: 30_000, resetAfterMs: 60_000 },
  ) {
    super();
    this.runners = apps.map((a) => new AppRunner(a));
  }

  start(): void {
    for (const r of this.runners) this.spawn(r);
  }

  report(): AppReport[] {
    return this.runners.map((r) => ({
      name: r.spec.name,
      state: r.state,
      restarts: r.restarts,
      port: r.port,
      lastError: r.lastError,
    }));
  }

  private set(r: AppRunner, state: AppState): void {
    r.state = state;
    const report = this.report();
    // Every thread hears the host's app states (the dashboard shows them: an agent that is down
    // answers nothing, only its host knows it is restarting).
    for (const x of this.runners)
      x.worker?.postMessage({ type: 'host-apps', apps: report } satisfies ToAppThread);
    this.emit('change', report.find((x) => x.name === r.spec.name) as AppReport);
    if (this.runners.every((x) => x.state === 'stopped' || x.state === 'failed')) this.emit('idle');
  }

  private spawn(r: AppRunner): void {
    const data: AppThreadData = {
      app: r.spec.name,
      moduleUrl: r.spec.moduleUrl,
      configPath: this.configPath,
    };
    const worker = newAppThread({ workerData: data, name: `app:${r.spec.name}` });
    r.worker = worker;
    r.cleanStop = false;
    worker.on('message', (m: FromAppThread) => {
      if (m.type === 'started') {
        r.everStarted = true;
        r.startedAt = Date.now();
        r.port = m.port;
        this.set(r, 'running');
      } else if (m.type === 'stopped') {
        r.cleanStop = true;
      } else if (m.type === 'failed') {
        r.lastError = m.error;
      }
    });
    worker.on('error', (err: unknown) => {
      // A thread may die of a thrown value that is not an Error (e.g. `throw undefined`).
      r.lastError = err instanceof Error ? err.message : `uncaught ${String(err)}`;
    });
    worker.on('exit', (code) => this.exited(r, worker, code));
    if (r.stopping) worker.postMessage({ type: 'shutdown', reason: 'host stopping' } satisfies ToAppThread);
  }

  private exited(r: AppRunner, worker: Worker, code: number): void {
    if (r.worker !== worker) return;
    r.worker = undefined;
    const name = r.spec.name;
    if (r.cleanStop || r.stopping) {
      if (!r.cleanStop) this.log.warn(`app "${name}" ended with code ${code} while stopping`);
      return this.set(r, 'stopped');
    }
    if (!r.everStarted) {
      this.log.error(`app "${name}" failed to start: ${r.lastError ?? `exit code ${code}`}; not restarted`);
      return this.set(r, 'failed');
    }
    if (Date.now() - r.startedAt > this.backoff.resetAfterMs) r.consecutive = 0;
    r.consecutive++;
    r.restarts++;
    const delay = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (r.consecutive - 1));
    this.log.warn(
      `agent "${name}" crashed (${r.lastError ?? `exit code ${code}`}); restart #${r.restarts} in ${delay} ms`,
    );
    this.set(r, 'restarting');
    r.timer = setTimeout(() => {
      r.timer = undefined;
      this.set(r, 'starting');
      this.spawn(r);
    }, delay);
  }

  /**
   * Sends SHUTDOWN to every agent (through its thread), waits up to `graceMs` for them to stop,
   * then terminates what is left. Resolves once every app has stopped.
   */
  async stopAll(graceMs = 5000): Promise<void> {
    const idle = new Promise<void>((resolve) => {
      if (this.runners.every((x) => x.state === 'stopped' || x.state === 'failed')) resolve();
      else this.once('idle', resolve);
    });
    for (const r of this.runners) {
      r.stopping = true;
      if (r.timer !== undefined) {
        clearTimeout(r.timer);
        r.timer = undefined;
        this.set(r, 'stopped');
      }
      r.worker?.postMessage({ type: 'shutdown', reason: 'host stopping' } satisfies ToAppThread);
    }
    const force = setTimeout(() => {
      for (const r of this.runners) {
        if (r.worker) {
          this.log.warn(`app "${r.spec.name}" did not stop within ${graceMs} ms; terminating its thread`);
          void r.worker.terminate();
        }
      }
    }, graceMs);
    await idle;
    clearTimeout(force);
  }
}
