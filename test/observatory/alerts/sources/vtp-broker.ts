// A VTP broker for tests: it sends frames to each subscriber (those given at the start, and any
// published later) and collects what the subscriber answers (`ack IVORN`, `nak IVORN`).
import { createServer, type Server, type Socket } from 'node:net';
import { readTransportMessage } from '../../../../src/transport/vtp/transport-messages.js';
import { VtpFrameReader } from '../../../../src/transport/vtp/vtp-frame.js';

/** A VTP frame of raw bytes (not necessarily UTF-8). */
export function rawVtpFrame(body: Uint8Array): Buffer {
  const frame = Buffer.alloc(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  frame.set(body, 4);
  return frame;
}

export interface TestBroker {
  readonly port: number;
  /** Every answer received, in order. */
  readonly answers: string[];
  /** Sends a frame to every subscriber connected now. */
  publish(body: Uint8Array): void;
  /** Resolves once a subscriber is connected. */
  connected(): Promise<void>;
  close(): void;
}

export async function startBroker(events: readonly string[] = []): Promise<TestBroker> {
  const server: Server = createServer();
  const sockets: Socket[] = [];
  const answers: string[] = [];
  const waiting: Array<() => void> = [];
  server.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    const reader = new VtpFrameReader();
    socket.on('data', (chunk) => {
      reader.push(chunk);
      for (let f = reader.next(); f !== undefined; f = reader.next()) {
        const message = readTransportMessage(f.toString('utf8'));
        if (message !== undefined) answers.push(`${message.role} ${message.origin ?? ''}`);
      }
    });
    for (const xml of events) socket.write(rawVtpFrame(Buffer.from(xml, 'utf8')));
    for (const w of waiting.splice(0)) w();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    answers,
    publish(body) {
      for (const s of sockets) if (!s.destroyed) s.write(rawVtpFrame(body));
    },
    connected: () =>
      sockets.some((s) => !s.destroyed) ? Promise.resolve() : new Promise<void>((r) => waiting.push(r)),
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
