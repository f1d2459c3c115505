import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the background thread copies the WAL back into the database file (ms). */
const CHECKPOINT_EVERY_MS = 100;

/**
 * The thread's code (CommonJS, run with `eval`): its own connection, a PASSIVE checkpoint on a
 * timer. PASSIVE never waits for readers or writers, and runs beside them: writers go on
 * appending to the WAL while it copies and syncs.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { timeout: 0, fileMustExist: true });
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or closing: the next tick tries again.
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints a WAL database from a background thread, so that the copy of the WAL into the file
 * and its fsyncs (tens of ms on a slow disk) do not stall the process's own transactions — a
 * worker waiting for an ETA, or a reserve. SQLite's automatic checkpoint would otherwise run in
 * whichever commit crosses the WAL size threshold.
 */
export class SqliteCheckpointer {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;

  constructor(path: string) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: { path, module, everyMs: CHECKPOINT_EVERY_MS },
    });
    // Never keeps the process alive; a failure only means SQLite's own checkpoints take over.
    this.#worker.unref();
    this.#worker.on('error', () => undefined);
    this.#exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
  }

  async close(): Promise<void> {
    this.#worker.postMessage('close');
    // A thread stuck in a long checkpoint is not waited for.
    const timer = setTimeout(() => void this.#worker.terminate(), 1000);
    await this.#exited;
    clearTimeout(timer);
  }
}
