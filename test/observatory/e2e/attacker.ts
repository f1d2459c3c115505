// What an attacker on loopback does to an observatory's ports, each a bounded loop that the test
// stops: connections held open and reopened when closed, bytes trickled, frames begun and never
// ended, a relay in the middle of a real Sender's connection.
import { connect, createServer, type Server, type Socket } from 'node:net';

/** An attack under way: stop() ends it and closes everything it holds. */
export interface Attack {
  /** Connections opened so far (reopened ones included). */
  readonly opened: () => number;
  /** Connections the server closed on it. */
  readonly closedByServer: () => number;
  stop(): Promise<void>;
}

/**
 * Holds `count` connections to `port`, each reopened as soon as the server closes it, until
 * stopped. `onOpen` says what each does once connected (nothing: silent connections). `from`: the
 * local address the attacker connects from (another loopback address stands for another machine).
 */
export function holdConnections(
  port: number,
  count: number,
  onOpen: (socket: Socket) => NodeJS.Timeout | undefined = () => undefined,
  from = '127.0.0.1',
): Attack {
  let opened = 0;
  let closedByServer = 0;
  let stopping = false;
  const live = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const open = (): void => {
    if (stopping) return;
    opened++;
    const socket = connect({ host: '127.0.0.1', port, localAddress: from });
    live.add(socket);
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      const t = onOpen(socket);
      if (t !== undefined) timers.add(t);
      socket.once('close', () => {
        if (t !== undefined) {
          clearInterval(t);
          timers.delete(t);
        }
      });
    });
    socket.on('close', () => {
      live.delete(socket);
      if (stopping) return;
      closedByServer++;
      // Reopened at once, as an attacker would: the slot must not come back to anyone else.
      setImmediate(open);
    });
  };
  for (let i = 0; i < count; i++) open();
  return {
    opened: () => opened,
    closedByServer: () => closedByServer,
    async stop() {
      stopping = true;
      for (const t of timers) clearInterval(t);
      const closing = [...live].map(
        (s) => new Promise<void>((r) => (s.destroyed ? r() : s.once('close', () => r()))),
      );
      for (const s of live) s.destroy();
      await Promise.all(closing);
    },
  };
}

/** Sends one byte every `everyMs` on the socket (a frame never finished): for {@link holdConnections}. */
export function trickle(everyMs: number, bytes: Buffer): (socket: Socket) => NodeJS.Timeout {
  return (socket) => {
    let i = 0;
    socket.write(bytes.subarray(i, ++i));
    return setInterval(() => {
      if (i < bytes.length && !socket.destroyed) socket.write(bytes.subarray(i, ++i));
    }, everyMs);
  };
}

/** A relay between a client and `targetPort`: `onClientBytes` sees (and may add to) what the client sends. */
export interface Relay {
  readonly port: number;
  /** Everything clients sent, per connection, in order. */
  readonly recorded: Buffer[][];
  close(): Promise<void>;
}

/**
 * Listens on a free port and relays each connection to `targetPort`. `tamper(n, chunk, toServer)`
 * is called for each client chunk of connection `n` (0-based) after it was passed on: it may
 * write more to the server (an injection).
 */
export async function relay(
  targetPort: number,
  tamper: (n: number, chunkIndex: number, toServer: Socket) => void = () => undefined,
): Promise<Relay> {
  const recorded: Buffer[][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const n = recorded.length;
    const chunks: Buffer[] = [];
    recorded.push(chunks);
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
    for (const s of [client, upstream]) {
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.on('data', (d: Buffer) => client.write(d));
    client.on('data', (d: Buffer) => {
      chunks.push(Buffer.from(d));
      upstream.write(d);
      tamper(n, chunks.length - 1, upstream);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('relay: no port');
  return {
    port: address.port,
    recorded,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Replays `chunks` (one connection's client bytes) on a new connection; resolves when the server closes it. */
export function replay(port: number, chunks: readonly Buffer[]): Promise<{ received: number }> {
  return new Promise((resolve) => {
    let received = 0;
    const s = connect({ host: '127.0.0.1', port }, () => {
      for (const c of chunks) s.write(c);
    });
    s.on('data', (d: Buffer) => {
      received += d.length;
    });
    s.on('error', () => undefined);
    s.on('close', () => resolve({ received }));
    // A server that neither answers nor closes would hang the test: give up after 5 s.
    setTimeout(() => s.destroy(), 5000).unref();
  });
}

/** The resident memory of process `pid` (bytes), from /proc. */
export async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb) * 1024;
}
