/** VTP frames: a 4-byte big-endian unsigned length, then that many bytes of UTF-8 XML (VOEvent Transport Protocol note, §3). */

/** The largest frame accepted by default: 1 MiB, as the VOEvent parser's limit. */
export const DEFAULT_MAX_VTP_FRAME_BYTES = 1024 * 1024;

const HEADER_BYTES = 4;

/** A length prefix over the limit: the stream cannot be resynchronised, so the connection must close. */
export class VtpFrameError extends Error {
  override readonly name = 'VtpFrameError';
}

/** One XML document as a VTP frame. */
export function encodeVtpFrame(xml: string): Buffer {
  const body = Buffer.from(xml, 'utf8');
  const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, HEADER_BYTES);
  return frame;
}

/**
 * Cuts a TCP byte stream into VTP frame bodies, whatever the chunking: push() what the socket
 * gives, then next() until it returns undefined. Chunks are kept as received and joined once per
 * frame, so a large frame arriving in many pieces is copied once.
 */
export class VtpFrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Body length of the frame being read, once its header is in. */
  private need: number | undefined;

  constructor(readonly maxFrameBytes = DEFAULT_MAX_VTP_FRAME_BYTES) {}

  /** Bytes received and not yet returned as a frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /**
   * The next complete frame's body, or undefined until more bytes arrive. Throws VtpFrameError
   * when a length prefix is over the limit (often a little-endian prefix, or not VTP at all).
   */
  next(): Buffer | undefined {
    if (this.need === undefined) {
      if (this.buffered < HEADER_BYTES) return undefined;
      const length = this.take(HEADER_BYTES).readUInt32BE(0);
      if (length > this.maxFrameBytes) {
        throw new VtpFrameError(
          `VTP frame length ${length} is over the limit of ${this.maxFrameBytes} bytes (not VTP, or a little-endian prefix?)`,
        );
      }
      this.need = length;
    }
    if (this.buffered < this.need) return undefined;
    const body = this.take(this.need);
    this.need = undefined;
    return body;
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    if ((this.chunks[0]?.length ?? 0) < n) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    const first = this.chunks[0] as Buffer;
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return out;
  }
}
