import type { Socket } from 'node:net';
import { type MessageSink, refusalOf } from './inbound.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** What a text session needs from the server that accepted it. */
export interface TextSessionContext {
  readonly maxMessageBytes: number;
  readonly sink: MessageSink;
  readonly nextId: () => string;
  readonly reject: (socket: Socket, why: string) => void;
  readonly warn: (why: string) => void;
}

/**
 * The seed's protocol, server side: the peer connects, sends UTF-8 bytes and closes; the message is
 * everything received until then. A trailing newline (as `echo | nc` sends) is not part of it.
 */
export class TextSession {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private closed = false;

  constructor(
    readonly socket: Socket,
    private readonly ctx: TextSessionContext,
  ) {}

  receive(chunk: Buffer): void {
    if (this.closed) return;
    this.size += chunk.length;
    if (this.size > this.ctx.maxMessageBytes) {
      this.closed = true;
      this.ctx.reject(this.socket, `text message over the ${this.ctx.maxMessageBytes}-byte limit`);
      return;
    }
    this.chunks.push(chunk);
  }

  /** The peer closed its side: the message is complete. */
  finish(): void {
    if (this.closed) return;
    this.closed = true;
    const remote = `${this.socket.remoteAddress ?? ''}:${this.socket.remotePort ?? ''}`;
    let text: string;
    try {
      text = decoder.decode(Buffer.concat(this.chunks, this.size));
    } catch {
      this.ctx.reject(this.socket, 'text message is not valid UTF-8');
      return;
    }
    const message = text.replace(/\r?\n$/, '');
    if (message.length === 0) {
      this.ctx.warn(`empty text message from ${remote}, ignored`);
    } else {
      const refused = this.ctx.sink.deliver(
        {
          message,
          payload: undefined,
          from: remote,
          id: this.ctx.nextId(),
          time: Date.now(),
          protocol: 'text',
          remoteAddress: this.socket.remoteAddress ?? '',
        },
        undefined,
      );
      if (refused !== undefined)
        this.ctx.warn(
          `text message "${message.slice(0, 80)}" from ${remote} refused: ${refusalOf(refused).reason}`,
        );
    }
    this.socket.end();
  }

  get done(): boolean {
    return this.closed;
  }
}
