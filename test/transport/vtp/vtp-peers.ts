// Test peers that speak VTP frame by frame over real sockets on 127.0.0.1: a raw client, and a
// fake broker (a plain net.Server) that records what each connection sends it.
import { connect, createServer, type Server, type Socket } from 'node:net';
import {
  readTransportMessage,
  type TransportMessage,
} from '../../../src/transport/vtp/transport-messages.js';
import { encodeVtpFrame, VtpFrameReader } from '../../../src/transport/vtp/vtp-frame.js';
import { waitFor } from '../../helpers.js';

/** One end of a VTP connection: what it received, frame by frame, and when it closed. */
export class VtpPeer {
  readonly frames: string[] = [];
  readonly openedAt = Date.now();
  closedAt: number | undefined;
  readonly closed: Promise<number>;

  constructor(readonly socket: Socket) {
    const reader = new VtpFrameReader(16 * 1024 * 1024);
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      for (let f = reader.next(); f !== undefined; f = reader.next()) this.frames.push(f.toString('utf8'));
    });
    socket.on('error', () => {}); // resets are expected; `closed` reports them
    this.closed = new Promise((r) =>
      socket.on('close', () => {
        this.closedAt = Date.now();
        r(this.closedAt);
      }),
    );
  }

  send(xml: string): void {
    this.socket.write(encodeVtpFrame(xml));
  }

  /** The transport messages received so far. */
  messages(): TransportMessage[] {
    return this.frames.flatMap((f) => readTransportMessage(f) ?? []);
  }

  /** Waits until `count` transport messages have arrived. */
  async waitForMessages(count: number, timeoutMs = 3000): Promise<TransportMessage[]> {
    await waitFor(() => this.messages().length >= count, timeoutMs, `${count} transport messages`);
    return this.messages();
  }
}

/** Connects a raw VTP client to 127.0.0.1:port. */
export function vtpConnect(port: number): Promise<VtpPeer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => resolve(new VtpPeer(socket)));
    socket.once('error', reject);
  });
}

/** A broker as far as a subscriber can tell: accepts connections and lets the test speak on them. */
export class FakeBroker {
  readonly connections: VtpPeer[] = [];

  private constructor(private readonly server: Server) {}

  static start(port = 0): Promise<FakeBroker> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      const broker = new FakeBroker(server);
      server.on('connection', (s) => broker.connections.push(new VtpPeer(s)));
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(broker));
    });
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  /** Waits for the `n`th connection (1-based) and returns it. */
  async connection(n: number, timeoutMs = 3000): Promise<VtpPeer> {
    return waitFor(() => this.connections[n - 1], timeoutMs, `connection #${n}`);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const c of this.connections) c.socket.destroy();
    await closed;
  }
}
