// One TCP connection to an INDI server: the socket, its parser, the connect timeout and, when
// asked for, the silence watch. It never reconnects: IndiClient makes a new one after a close.
import { connect, type Socket } from 'node:net';
import type { IndiInbound } from './indi-messages.js';
import { IndiParseError, IndiParser } from './indi-parser.js';
import type { IndiLimits } from './indi-types.js';
import { pingRequestXml } from './indi-writer.js';

/** Options of {@link IndiConnection}. */
export interface IndiConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
  /**
   * With nothing received for this long (ms), the server is taken for dead and the connection
   * closed. After a third of it in silence a pingRequest goes out, which indiserver (1.9.9 at
   * least) answers itself, so that a quiet but live server keeps the connection.
   */
  readonly silenceMs?: number;
  readonly limits: Partial<IndiLimits>;
  readonly onOpen: () => void;
  /** Each message, in stream order. A throw closes the connection with that reason. */
  readonly onMessage: (message: IndiInbound) => void;
  /** Once, when the socket has closed, with why in one line; `wasOpen` false for a failed attempt. */
  readonly onClose: (reason: string, wasOpen: boolean) => void;
}

/** A connection; dead once closed. */
export class IndiConnection {
  private readonly socket: Socket;
  private readonly parser: IndiParser;
  private why: string;
  private open = false;
  private opened = false;
  private connectTimer: NodeJS.Timeout | undefined;
  private silence: NodeJS.Timeout | undefined;
  private quiet: NodeJS.Timeout | undefined;
  private pings = 0;

  constructor(private readonly opts: IndiConnectionOptions) {
    const where = `${opts.host}:${opts.port}`;
    this.why = `connection closed by ${where}`;
    this.parser = new IndiParser(opts.limits);
    this.socket = connect({ host: opts.host, port: opts.port });
    this.socket.setNoDelay(true);
    this.connectTimer = setTimeout(
      () => this.close(`no connection to ${where} within ${opts.connectTimeoutMs} ms`),
      opts.connectTimeoutMs,
    );
    this.socket.once('connect', () => {
      clearTimeout(this.connectTimer);
      this.open = true;
      this.opened = true;
      this.heard();
      opts.onOpen();
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err) => {
      this.why = `${where}: ${err.message}`;
    });
    this.socket.on('close', () => {
      this.open = false;
      clearTimeout(this.connectTimer);
      clearTimeout(this.silence);
      clearTimeout(this.quiet);
      opts.onClose(this.why, this.opened);
    });
  }

  /** Connected and not closing. */
  get isOpen(): boolean {
    return this.open && !this.socket.destroyed;
  }

  /** Sends XML; false (nothing sent) when the connection is not open. */
  write(xml: string): boolean {
    if (!this.isOpen) return false;
    this.socket.write(xml);
    return true;
  }

  /** Closes with `reason` (reported by onClose unless the socket already closed). */
  close(reason: string): void {
    if (this.socket.destroyed) return;
    this.why = reason;
    this.open = false;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.socket.destroyed) return;
    this.heard();
    let messages: IndiInbound[];
    try {
      messages = this.parser.push(chunk);
    } catch (err) {
      if (!(err instanceof IndiParseError)) throw err;
      messages = [];
      this.close(`${this.opts.host}:${this.opts.port} sent ${err.message}`);
    }
    for (const m of messages) {
      if (this.socket.destroyed) return;
      if (m.kind === 'pingRequest') {
        // A uid is an opaque token: anything but word characters is dropped rather than escaped.
        this.write(`<pingReply uid="${m.uid.replace(/[^\w.:-]/g, '')}"/>\n`);
        continue;
      }
      try {
        this.opts.onMessage(m);
      } catch (err) {
        this.close(`message handler failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** Something arrived: restart the silence watch (refresh() re-arms a timer that already fired). */
  private heard(): void {
    const silenceMs = this.opts.silenceMs;
    if (silenceMs === undefined || silenceMs <= 0) return;
    if (this.silence !== undefined && this.quiet !== undefined) {
      this.silence.refresh();
      this.quiet.refresh();
      return;
    }
    this.silence = setTimeout(
      () => this.close(`${this.opts.host}:${this.opts.port} silent for ${silenceMs} ms`),
      silenceMs,
    );
    this.quiet = setTimeout(() => this.write(pingRequestXml(`pyros-${++this.pings}`)), silenceMs / 3);
  }
}
