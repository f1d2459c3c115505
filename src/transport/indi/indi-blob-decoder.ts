// Decodes one BLOB's base64 as its text streams in, in pieces of any length: the base64 text
// itself is never held whole (a 64 MiB image is 85 MiB of base64), only the decoded bytes, in a
// buffer grown by doubling up to the limit.

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const WHITESPACE = /[ \t\r\n]+/g;
const INITIAL_MAX = 16 * 1024 * 1024;

/** Why a BLOB could not be decoded: over the limit, or not base64. */
export class BlobDecodeError extends Error {}

/** A streaming base64 decoder with a bound on the decoded size. */
export class BlobDecoder {
  private buf: Buffer;
  private length = 0;
  /** Base64 characters kept over from the last piece: fewer than 4, decoded with the next. */
  private carry = '';
  /** A group ended with '=': nothing may follow. */
  private padded = false;

  /**
   * @param maxBytes decoded bytes allowed; past it push() throws.
   * @param expectedBytes the decoded size announced (from `enclen` or `size`), to allocate once.
   */
  constructor(
    private readonly maxBytes: number,
    expectedBytes = 0,
  ) {
    // What a server declares is only believed up to INITIAL_MAX: past it the buffer grows as the
    // bytes really come.
    const initial = Math.min(maxBytes, INITIAL_MAX, Math.max(expectedBytes, 4096));
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** Decoded bytes so far. */
  get decodedBytes(): number {
    return this.length;
  }

  /** Takes the next piece of base64 text; whitespace (line breaks) anywhere is allowed. */
  push(text: string): void {
    const clean = this.carry + text.replace(WHITESPACE, '');
    if (clean.length === 0) return;
    if (this.padded) throw new BlobDecodeError('BLOB base64 goes on after its padding');
    // '=' may only end the text: the check holds for every piece because a piece's padding is
    // carried over with the characters before it until its group of 4 is whole.
    if (!BASE64.test(clean)) throw new BlobDecodeError('BLOB content is not base64');
    const whole = clean.length - (clean.length % 4);
    const groups = clean.slice(0, whole);
    this.carry = clean.slice(whole);
    if (groups.endsWith('=')) {
      if (this.carry.length > 0) throw new BlobDecodeError('BLOB base64 goes on after its padding');
      this.padded = true;
    }
    if (whole > 0) this.write(Buffer.from(groups, 'base64'));
  }

  /** The decoded bytes; throws if the text stopped in the middle of a 4-character group. */
  finish(): Buffer {
    if (this.carry.replace(/=+$/, '').length === 1) throw new BlobDecodeError('BLOB base64 is truncated');
    // Unpadded base64 (2 or 3 characters left) is accepted, as Buffer.from accepts it.
    if (this.carry.length > 0) this.write(Buffer.from(this.carry, 'base64'));
    this.carry = '';
    return this.buf.subarray(0, this.length);
  }

  private write(bytes: Buffer): void {
    const needed = this.length + bytes.length;
    if (needed > this.maxBytes) {
      throw new BlobDecodeError(`BLOB over the limit of ${this.maxBytes} bytes`);
    }
    if (needed > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.maxBytes, Math.max(needed, this.buf.length * 2)));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    bytes.copy(this.buf, this.length);
    this.length = needed;
  }
}
