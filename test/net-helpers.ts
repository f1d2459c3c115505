// Shared by the transport, agent and sender tests: a configurable test agent, raw TCP clients
// (text and framed) that speak the wire format byte by byte, and checks on ports and agents.
// Everything runs over real sockets on 127.0.0.1.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Agent, type AgentOptions } from '../src/agent/agent.js';
import type { AgentStatus } from '../src/agent/agent-status.js';
import type { MessageHandler } from '../src/agent/message.js';
import { Sender } from '../src/sender/sender.js';
import { clientProof, newNonce } from '../src/transport/auth.js';
import { BodyReader, FrameReader } from '../src/transport/frame-reader.js';
import { FrameWriter } from '../src/transport/frame-writer.js';
import { newSessionId } from '../src/transport/framed-connection.js';
import { FRAMED_MAGIC, FrameType, NONCE_BYTES, PROTOCOL_VERSION } from '../src/transport/frames.js';
import { clientTlsOptions } from '../src/transport/tls-psk.js';
import { freePorts, writeConfig } from './helpers.js';

const started = new Set<Agent>();

/** An agent whose handlers, work() and shutdown() are given by the test. Never installs signal handlers. */
export class TestAgent extends Agent {
  workFn: (() => void | Promise<void>) | undefined;
  shutdownFn: (() => void | Promise<void>) | undefined;

  constructor(name: string, options: AgentOptions = {}) {
    super(name, { handleSignals: false, ...options });
    this.actionsByMessage.Echo = (payload) => payload;
  }

  override start(): Promise<void> {
    started.add(this);
    return super.start();
  }

  on(message: string, handler: MessageHandler): this {
    this.actionsByMessage[message] = handler;
    return this;
  }

  protected override work(): void | Promise<void> {
    return this.workFn?.();
  }

  protected override shutdown(): void | Promise<void> {
    return this.shutdownFn?.();
  }
}

/**
 * Stops every TestAgent a test started and left running (a failed test), so that the next test
 * can start its own: use as `afterEach(stopStartedAgents)`.
 */
export async function stopStartedAgents(): Promise<void> {
  for (const agent of started) {
    started.delete(agent);
    agent.requestShutdown('test cleanup');
    await within(agent.stopped, 5000, `agent "${agent.name}" stopping`);
  }
}

/** Writes a config with one agent on a free port, points PYROS_AGENT_CONFIG at it, returns the port. */
export async function configureAgent(
  name: string,
  keys: Record<string, string | number> = {},
): Promise<{ port: number; path: string }> {
  const [port] = (await freePorts(1)) as [number];
  const path = writeConfig({ [name]: { port, ...keys } });
  process.env.PYROS_AGENT_CONFIG = path;
  return { port, path };
}

/** Stops the agent through Sender as a peer would, and waits until its port is closed. */
export async function shutdownAgent(agent: Agent): Promise<void> {
  await Sender.sendTo(agent.name, 'SHUTDOWN');
  await agent.stopped;
}

export function status(name: string): Promise<AgentStatus> {
  return Sender.request<AgentStatus>(name, 'STATUS');
}

/** The agent answers PING and an Echo request through Sender. */
export async function assertServing(name: string): Promise<void> {
  const pong = await Sender.request<{ pong: boolean; agent: string }>(name, 'PING', undefined, {
    timeout: 2000,
  });
  assert.equal(pong.pong, true);
  assert.equal(pong.agent, name);
  const token = { n: Math.random() };
  assert.deepEqual(await Sender.request(name, 'Echo', token, { timeout: 2000 }), token);
}

/** Resolves true when nothing accepts connections on the port. */
export function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(true));
  });
}

/** A client socket that records what it receives and when it closed. */
export interface RawClient {
  readonly socket: Socket;
  /** Bytes received so far. */
  received(): Buffer;
  /** Resolves with the ms timestamp of the close. */
  readonly closed: Promise<number>;
  isClosed(): boolean;
}

/**
 * A raw client on 127.0.0.1:`port`; with `tls` (the agent's name and secret) inside TLS with the
 * secret's PSK, as a pyros-ts client with the secret connects.
 */
export function rawConnect(port: number, tls?: { agent: string; secret: string }): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket =
      tls === undefined
        ? connect({ host: '127.0.0.1', port })
        : tlsConnect({ host: '127.0.0.1', port, ...clientTlsOptions(tls.secret, tls.agent) });
    const chunks: Buffer[] = [];
    let closedAt = 0;
    const closed = new Promise<number>((r) =>
      socket.on('close', () => {
        closedAt = Date.now();
        r(closedAt);
      }),
    );
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {}); // resets by the server are expected; `closed` reports them
    socket.once(tls === undefined ? 'connect' : 'secureConnect', () =>
      resolve({ socket, received: () => Buffer.concat(chunks), closed, isClosed: () => closedAt !== 0 }),
    );
    socket.once('error', reject);
  });
}

/** The seed's client in Node: connect, send the bytes, close; resolves when the server has closed too. */
export async function sendRawText(port: number, data: string | Buffer): Promise<void> {
  const c = await rawConnect(port);
  c.socket.end(data);
  await c.closed;
}

export interface Frame {
  readonly type: number;
  readonly body: Buffer;
}

/** Splits what a raw client received into frames (after the server's side, which has no preamble). */
export function framesIn(bytes: Buffer): Frame[] {
  const reader = new FrameReader(16 * 1024 * 1024);
  reader.push(bytes);
  const out: Frame[] = [];
  for (let f = reader.next(); f !== undefined; f = reader.next()) {
    out.push({ type: f.type, body: Buffer.from(f.body) });
  }
  return out;
}

/** The code of the ERROR frame among `frames`, or undefined. */
export function errorCode(frames: readonly Frame[]): number | undefined {
  const f = frames.find((x) => x.type === FrameType.ERROR);
  return f === undefined ? undefined : new BodyReader(f.body).u16('code');
}

/** A framed client written frame by frame, for the tests that break the protocol on purpose. */
export interface FramedClient extends RawClient {
  readonly lastSeq: number;
  readonly sessionId: Buffer;
  /** Writes MSG frames (no reply wanted) with the given seqs and payloads, in one write. */
  sendMsgs(to: string, message: string, items: ReadonlyArray<{ seq: number; payload: unknown }>): void;
}

/** Opens a framed connection: preamble, HELLO, (AUTH,) READY. `auth` overrides the AUTH frame's body. */
export async function framedConnect(
  port: number,
  opts: { secret?: string; agent?: string; sessionId?: Buffer; auth?: Buffer } = {},
): Promise<FramedClient> {
  // With a secret, inside TLS (the agent's name is the PSK identity), as the server requires.
  const c = await rawConnect(
    port,
    opts.secret === undefined ? undefined : { agent: opts.agent ?? 'alert_manager', secret: opts.secret },
  );
  const sessionId = opts.sessionId ?? newSessionId();
  const clientNonce = newNonce();
  const w = new FrameWriter();
  w.raw(FRAMED_MAGIC);
  w.hello(PROTOCOL_VERSION, sessionId, clientNonce, 'raw-test-client');
  c.socket.write(w.take() as Buffer);
  const welcome = await waitForFrame(c, FrameType.WELCOME);
  const r = new BodyReader(welcome.body);
  r.u8('version');
  const flags = r.u8('flags');
  const serverNonce = Buffer.from(r.bytes(NONCE_BYTES, 'nonce'));
  if (flags & 1 || opts.auth !== undefined) {
    w.auth(opts.auth ?? clientProof(opts.secret ?? '', serverNonce, clientNonce, sessionId));
    c.socket.write(w.take() as Buffer);
  }
  const ready = await waitForFrame(c, FrameType.READY);
  const lastSeq = new BodyReader(ready.body).u32('last seq');
  return {
    ...c,
    lastSeq,
    sessionId,
    sendMsgs(to, message, items) {
      for (const { seq, payload } of items) {
        // No limit of its own: the tests send what the server must refuse.
        w.msg(seq, false, Date.now(), 'raw-test-client', to, message, JSON.stringify(payload), 1 << 30);
      }
      c.socket.write(w.take() as Buffer);
    },
  };
}

/** Waits until the client has received a frame of `type` (or fails when the connection closes first). */
export async function waitForFrame(c: RawClient, type: number, timeoutMs = 3000): Promise<Frame> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const f = framesIn(c.received()).find((x) => x.type === type);
    if (f) return f;
    if (c.isClosed()) throw new Error(`connection closed before a frame 0x${type.toString(16)}`);
    if (Date.now() > until) throw new Error(`no frame 0x${type.toString(16)} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Rejects when `p` has not settled within `ms`: keeps a hung test from hanging the suite. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]);
}
