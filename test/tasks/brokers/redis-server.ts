// Test helpers for the Redis broker: a private redis-server on a free loopback port, and (when this
// file is run as a script) a worker process for the multi-process test.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { pathToFileURL } from 'node:url';
import { RedisBroker } from '../../../src/tasks/brokers/redis-broker.js';
import { drainWorker } from './fixtures/drain.js';

/** The server binary (Debian's redis-server package); REDIS_SERVER overrides it. */
export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

/** A running redis-server of our own. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:PORT/DB`. */
  url(db?: number): string;
  /** Stops the server (SIGTERM, then SIGKILL after 3 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** A TCP port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port from the OS');
  return address.port;
}

/** True once a PING on `port` gets +PONG. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/** How a test's redis-server keeps its data. */
export interface RedisPersistence {
  /** Its working folder: an AOF there (`appendonly yes`) survives a restart on the same folder. */
  readonly aofDir: string;
}

/**
 * Starts `redis-server` on a free loopback port (or `fixedPort`), with no persistence unless
 * `persistence` names an AOF folder, and waits until it answers PING. Throws (never skips) when
 * the binary is missing: these tests need a real Redis.
 */
export async function startRedisServer(
  fixedPort?: number,
  persistence?: RedisPersistence,
): Promise<RedisServer> {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(
      `${REDIS_SERVER} not found: the Redis broker tests need a real redis-server (apt-get install -y redis-server, or set REDIS_SERVER)`,
    );
  }
  let lastFailure = '';
  // Another process may take the free port between our look and redis-server's bind: try again.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = fixedPort ?? (await freePort());
    const child = spawn(
      REDIS_SERVER,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        ...(persistence === undefined
          ? ['--appendonly', 'no']
          : ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', persistence.aofDir]),
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Never leave a server behind, even if the test process ends without stop().
    const killOnExit = (): void => {
      child.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await pings(port)) return running(child, port, exited, killOnExit);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    await exited;
    process.off('exit', killOnExit);
    lastFailure = output.trim().split('\n').at(-1) ?? 'no output';
  }
  throw new Error(`redis-server did not start: ${lastFailure}`);
}

function running(
  child: ChildProcess,
  port: number,
  exited: Promise<void>,
  killOnExit: () => void,
): RedisServer {
  return {
    port,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', killOnExit);
    },
  };
}

// Run as a script: `node --import tsx redis-server.ts URL WORKER_ID CLAIM_KEYS`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [url, workerId, claimKeys] = process.argv.slice(2);
  if (url === undefined || workerId === undefined || claimKeys === undefined) {
    throw new Error('usage: redis-server.ts URL WORKER_ID CLAIM_KEYS');
  }
  await drainWorker(await RedisBroker.open(url), workerId, Number(claimKeys));
}
