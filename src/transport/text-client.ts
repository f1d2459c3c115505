import { connect } from 'node:net';
import { ConnectionError } from './framed-connection.js';

/** Raised by sendText; `sent` tells whether any byte may have reached the peer (then a retry could deliver twice). */
export class TextSendError extends ConnectionError {
  constructor(
    message: string,
    readonly sent: boolean,
  ) {
    super(message, 'NETWORK');
  }
}

/**
 * The seed's protocol, client side: connect, send the UTF-8 bytes, close. Resolves when the peer has
 * closed its side too, which a PyROS agent does once it has read the message.
 */
export function sendText(host: string, port: number, text: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const where = `${host}:${port}`;
    let sent = false;
    let settled = false;
    const socket = connect({ host, port });
    const finish = (err?: TextSendError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(
      () => finish(new TextSendError(`${where}: no close within ${timeoutMs} ms`, sent)),
      timeoutMs,
    );
    socket.on('connect', () => {
      sent = true;
      socket.end(text, 'utf8');
    });
    socket.on('data', () => {}); // a PyROS peer sends nothing back; drain whatever comes
    socket.on('error', (err: NodeJS.ErrnoException) =>
      finish(new TextSendError(`${where}: ${err.code ?? err.message}`, sent)),
    );
    socket.on('close', () =>
      finish(sent ? undefined : new TextSendError(`${where} closed before connecting`, false)),
    );
  });
}
