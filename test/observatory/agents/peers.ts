// Scripted peers for the observatory agents' tests: the agent under test runs in the test's
// thread (started, with its mailbox and timers); each peer is a real agent in a worker thread of
// its own, on a real port, recording what it receives and answering from a script.
import { Worker } from 'node:worker_threads';
import type { PeerData, PeerEvent } from './peer-thread.js';

/** A message a peer received. */
export interface Received {
  readonly message: string;
  readonly payload: unknown;
  readonly sender: string;
  /** When it arrived (real ms). */
  readonly at: number;
}

/** A scripted peer (see startPeer). */
export interface Peer {
  readonly name: string;
  readonly received: Received[];
  /** Resolves with the `count`-th `message` received (within 10 s, else rejects listing what came). */
  waitFor(message: string, count?: number): Promise<Received>;
  /** Replaces the reply script of `message`. */
  script(message: string, body: string): void;
  /** The messages of that name received so far. */
  all(message: string): Received[];
  /**
   * Resolves once every message the peer has answered so far is in `received`: its thread answers
   * a sender before its record of the message reaches this thread, so a delivery confirmed by the
   * sender may not be in `received` yet.
   */
  synced(): Promise<void>;
  stop(): Promise<void>;
}

const ENTRY = new URL('./peer-thread.ts', import.meta.url);

/**
 * Starts a peer agent named `name` (its section must be in $PYROS_AGENT_CONFIG) in a worker
 * thread. `replies` maps a message to the body of `(payload, state) => reply`, e.g.
 * `{ 'Start observation': 'state.n = (state.n ?? 0) + 1; return { observationId: state.n };' }`;
 * other messages are answered with nothing.
 */
export async function startPeer(name: string, replies: Record<string, string> = {}): Promise<Peer> {
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(ENTRY.href)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: { name, replies } satisfies PeerData });
  const received: Received[] = [];
  const syncs = new Map<number, () => void>();
  let nextSync = 0;
  let fail: (err: Error) => void = () => {};
  const started = new Promise<void>((resolve, reject) => {
    fail = reject;
    worker.on('message', (e: PeerEvent) => {
      if (e.type === 'started') resolve();
      else if (e.type === 'synced') syncs.get(e.id)?.();
      else received.push({ message: e.message, payload: e.payload, sender: e.sender, at: e.at });
    });
  });
  worker.on('error', (err) => fail(err));
  let gone = false;
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      // A stopped peer answers nothing more: what it recorded is all there is.
      gone = true;
      for (const done of syncs.values()) done();
      resolve();
    }),
  );
  await started;
  return {
    name,
    received,
    all: (message) => received.filter((r) => r.message === message),
    async waitFor(message, count = 1) {
      const until = Date.now() + 10_000;
      for (;;) {
        const found = received.filter((r) => r.message === message);
        if (found.length >= count) return found[count - 1] as Received;
        if (Date.now() > until) {
          throw new Error(
            `${name}: no "${message}" #${count} within 10 s; got ${received.map((r) => r.message).join(', ')}`,
          );
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    synced() {
      const id = nextSync++;
      if (gone) return Promise.resolve();
      return new Promise<void>((resolve) => {
        syncs.set(id, () => {
          syncs.delete(id);
          resolve();
        });
        worker.postMessage({ type: 'sync', id });
      });
    },
    script(message, body) {
      worker.postMessage({ type: 'script', message, body });
    },
    async stop() {
      worker.postMessage({ type: 'stop' });
      const timer = setTimeout(() => void worker.terminate(), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
