import { LENGTH_BYTES } from './frames.js';

/** A frame's type byte and body, a view into the received bytes (valid until the next push). */
export interface RawFrame {
  readonly type: number;
  readonly body: Buffer;
}

/** The stream broke the framing rules; the connection must be closed. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

/**
 * Splits a byte stream into frames. Chunks are kept as they come and joined only when a frame
 * straddles them, so a pipelined burst is parsed without copying.
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private off = 0;

  constructor(private maxFrameBytes: number) {}

  /** Changes the largest frame accepted from now on (a server allows full-size frames only once authenticated). */
  setMaxFrameBytes(bytes: number): void {
    this.maxFrameBytes = bytes;
  }

  /** Bytes received that do not yet make a whole frame. */
  get buffered(): number {
    return this.buf.length - this.off;
  }

  push(chunk: Buffer): void {
    if (this.off >= this.buf.length) {
      this.buf = chunk;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.off), chunk]);
    }
    this.off = 0;
  }

  /** The next whole frame, or undefined until more bytes arrive. Throws FrameError on a bad length. */
  next(): RawFrame | undefined {
    const available = this.buf.length - this.off;
    if (available < LENGTH_BYTES) return undefined;
    const length = this.buf.readUInt32BE(this.off);
    if (length === 0) throw new FrameError('frame of length 0');
    if (length > this.maxFrameBytes) {
      throw new FrameError(`frame of ${length} bytes, over the ${this.maxFrameBytes}-byte limit`, true);
    }
    if (available < LENGTH_BYTES + length) return undefined;
    const start = this.off + LENGTH_BYTES;
    this.off = start + length;
    return { type: this.buf[start] as number, body: this.buf.subarray(start + 1, start + length) };
  }
}

/** Byte comparison in JS: for names of a few dozen bytes, cheaper than a call into Buffer.compare. */
function sameBytes(body: Buffer, at: number, bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (body[at + i] !== bytes[i]) return false;
  return true;
}

/**
 * The last string decoded at one place of a frame. Names repeat from frame to frame (the same sender,
 * agent and message), and comparing bytes is cheaper than decoding them again.
 */
export class StringMemo {
  bytes: Buffer = Buffer.alloc(0);
  value = '';
}

/** Reads fields from a frame body in order, checking every bound: a truncated body is a FrameError, never a crash. */
export class BodyReader {
  private pos = 0;
  constructor(private readonly body: Buffer) {}

  private need(bytes: number, what: string): void {
    if (this.pos + bytes > this.body.length) throw new FrameError(`frame body ends inside ${what}`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.body[this.pos++] as number;
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.body.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.body.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  f64(what: string): number {
    this.need(8, what);
    const v = this.body.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  bytes(n: number, what: string): Buffer {
    this.need(n, what);
    const v = this.body.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  str8(what: string, memo?: StringMemo): string {
    const n = this.u8(what);
    return memo ? this.memoized(n, what, memo) : this.utf8(n, what);
  }

  str16(what: string, memo?: StringMemo): string {
    const n = this.u16(what);
    return memo ? this.memoized(n, what, memo) : this.utf8(n, what);
  }

  private memoized(n: number, what: string, memo: StringMemo): string {
    this.need(n, what);
    const { bytes } = memo;
    if (bytes.length === n && sameBytes(this.body, this.pos, bytes)) {
      this.pos += n;
      return memo.value;
    }
    memo.bytes = Buffer.from(this.body.subarray(this.pos, this.pos + n));
    memo.value = this.utf8(n, what);
    return memo.value;
  }

  /** A u32-prefixed JSON text, or undefined when its length is 0. */
  json(what: string): string | undefined {
    const n = this.u32(what);
    return n === 0 ? undefined : this.utf8(n, what);
  }

  private utf8(n: number, what: string): string {
    this.need(n, what);
    const v = this.body.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Bytes left unread. */
  remaining(): number {
    return this.body.length - this.pos;
  }

  /** Rejects trailing bytes, so that a frame means exactly one thing. */
  end(what: string): void {
    if (this.pos !== this.body.length)
      throw new FrameError(`${this.body.length - this.pos} stray bytes after ${what}`);
  }
}
