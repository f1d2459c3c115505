import { connect } from 'node:net';
import type { TransportMessage } from './transport-messages.js';
import { encodeVtpFrame, VtpFrameReader } from './vtp-frame.js';
import { classifyVtpPayload } from './vtp-payload.js';

/** Where and what {@link publishVoEvent} sends. */
export interface PublishOptions {
  readonly host: string;
  readonly port: number;
  /** The VOEvent document. */
  readonly xml: string;
  /** Give up after this long (ms). Default 20 000. */
  readonly timeoutMs?: number;
}

/**
 * Submits one event to a VTP receiver or broker (Comet's VOEventSender) and resolves with its
 * answer, an ack or a nak (a nak's reason is in `result`). Rejects when the connection fails,
 * closes without an answer, or the timeout passes.
 */
export function publishVoEvent(opts: PublishOptions): Promise<TransportMessage> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const where = `${opts.host}:${opts.port}`;
    const socket = connect({ host: opts.host, port: opts.port });
    const reader = new VtpFrameReader();
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      fn();
    };
    const timer = setTimeout(
      () => settle(() => reject(new Error(`VTP ${where}: no ack or nak within ${timeoutMs} ms`))),
      timeoutMs,
    );
    socket.once('connect', () => socket.write(encodeVtpFrame(opts.xml)));
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      try {
        for (let body = reader.next(); body !== undefined; body = reader.next()) {
          const p = classifyVtpPayload(body);
          const role = p.kind === 'transport' ? p.message.role : undefined;
          if (p.kind === 'transport' && (role === 'ack' || role === 'nak')) {
            const message = p.message;
            settle(() => resolve(message));
          }
        }
      } catch (err) {
        settle(() => reject(new Error(`VTP ${where}: ${(err as Error).message}`)));
      }
    });
    socket.on('error', (err) => settle(() => reject(new Error(`VTP ${where}: ${err.message}`))));
    socket.on('close', () => settle(() => reject(new Error(`VTP ${where}: closed without an ack or nak`))));
  });
}
