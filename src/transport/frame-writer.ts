import { FrameType, LENGTH_BYTES, MsgFlag, RejectCode, type ReplyStatus } from './frames.js';

const SLAB_BYTES = 64 * 1024;

/** Thrown when a frame cannot be encoded: a name or payload too long, a payload that is not JSON. */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
}

/**
 * Encodes frames back to back into a slab, so that many frames leave in one socket write.
 * Bytes already handed out by {@link take} are never written again: the next frames go after them,
 * or into a new slab, because the socket may still hold the old slice.
 */
export class FrameWriter {
  private slab = Buffer.allocUnsafe(SLAB_BYTES);
  private start = 0;
  private pos = 0;

  /** Bytes encoded and not yet taken. */
  get pending(): number {
    return this.pos - this.start;
  }

  /** The frames encoded since the last call, as one buffer, or undefined when there are none. */
  take(): Buffer | undefined {
    if (this.pos === this.start) return undefined;
    const out = this.slab.subarray(this.start, this.pos);
    this.start = this.pos;
    return out;
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.slab.length) return;
    const keep = this.pos - this.start;
    const next = Buffer.allocUnsafe(Math.max(SLAB_BYTES, (keep + bytes) * 2));
    this.slab.copy(next, 0, this.start, this.pos);
    this.slab = next;
    this.start = 0;
    this.pos = keep;
  }

  /** Starts a frame: reserves the length prefix, writes the type; returns the frame's start. */
  private open(type: FrameType, maxBody: number): number {
    this.ensure(LENGTH_BYTES + 1 + maxBody);
    const at = this.pos;
    this.slab[at + LENGTH_BYTES] = type;
    this.pos = at + LENGTH_BYTES + 1;
    return at;
  }

  private close(at: number): void {
    this.slab.writeUInt32BE(this.pos - at - LENGTH_BYTES, at);
  }

  private abort(at: number, why: string): never {
    this.pos = at;
    throw new EncodeError(why);
  }

  /** Writes UTF-8; short ASCII strings (names, small payloads) in JS, which beats a native call for them. */
  private utf8(value: string, at: number): number {
    const n = value.length;
    if (n <= 64) {
      const slab = this.slab;
      let i = 0;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c > 0x7f) break;
        slab[at + i] = c;
      }
      if (i === n) return n;
    }
    return this.slab.write(value, at, 'utf8');
  }

  private str(value: string, lengthBytes: 1 | 2, what: string, at: number): void {
    const lenAt = this.pos;
    this.pos += lengthBytes;
    const written = this.utf8(value, this.pos);
    const max = lengthBytes === 1 ? 0xff : 0xffff;
    if (written > max) this.abort(at, `${what} is ${written} bytes, over the ${max}-byte limit`);
    if (lengthBytes === 1) this.slab[lenAt] = written;
    else this.slab.writeUInt16BE(written, lenAt);
    this.pos += written;
  }

  hello(version: number, sessionId: Buffer, clientNonce: Buffer, clientName: string): void {
    const at = this.open(
      FrameType.HELLO,
      1 + sessionId.length + clientNonce.length + 1 + clientName.length * 3,
    );
    this.slab[this.pos++] = version;
    this.pos += sessionId.copy(this.slab, this.pos);
    this.pos += clientNonce.copy(this.slab, this.pos);
    this.str(clientName, 1, 'client name', at);
    this.close(at);
  }

  welcome(version: number, flags: number, serverNonce: Buffer, serverName: string): void {
    const at = this.open(FrameType.WELCOME, 2 + serverNonce.length + 1 + serverName.length * 3);
    this.slab[this.pos++] = version;
    this.slab[this.pos++] = flags;
    this.pos += serverNonce.copy(this.slab, this.pos);
    this.str(serverName, 1, 'agent name', at);
    this.close(at);
  }

  auth(proof: Buffer): void {
    const at = this.open(FrameType.AUTH, proof.length);
    this.pos += proof.copy(this.slab, this.pos);
    this.close(at);
  }

  ready(lastSeq: number, proof: Buffer): void {
    const at = this.open(FrameType.READY, 5 + proof.length);
    this.slab.writeUInt32BE(lastSeq, this.pos);
    this.slab[this.pos + 4] = proof.length;
    this.pos += 5;
    this.pos += proof.copy(this.slab, this.pos);
    this.close(at);
  }

  /**
   * Encodes an agent message. `payloadJson` is the payload already turned into JSON text,
   * or undefined for none; `maxPayload` bounds it in bytes.
   */
  msg(
    seq: number,
    wantsReply: boolean,
    time: number,
    from: string,
    to: string,
    message: string,
    payloadJson: string | undefined,
    maxPayload: number,
  ): void {
    const payloadChars = payloadJson === undefined ? 0 : payloadJson.length;
    const at = this.open(
      FrameType.MSG,
      4 + 1 + 8 + 1 + 1 + 2 + 4 + (from.length + to.length + message.length + payloadChars) * 3,
    );
    this.slab.writeUInt32BE(seq, this.pos);
    this.slab[this.pos + 4] = wantsReply ? MsgFlag.WANTS_REPLY : 0;
    this.slab.writeDoubleBE(time, this.pos + 5);
    this.pos += 13;
    this.str(from, 1, 'sender name', at);
    this.str(to, 1, 'agent name', at);
    this.str(message, 2, 'message', at);
    this.json(payloadJson, maxPayload, at);
    this.close(at);
  }

  private json(text: string | undefined, max: number, at: number): void {
    const lenAt = this.pos;
    this.pos += 4;
    const written = text === undefined ? 0 : this.utf8(text, this.pos);
    if (written > max) this.abort(at, `payload is ${written} bytes, over the ${max}-byte limit`);
    this.slab.writeUInt32BE(written, lenAt);
    this.pos += written;
  }

  /** Cumulative: every MSG up to and including `seq` was accepted. */
  ack(seq: number): void {
    const at = this.open(FrameType.ACK, 4);
    this.slab.writeUInt32BE(seq, this.pos);
    this.pos += 4;
    this.close(at);
  }

  reply(seq: number, status: ReplyStatus, resultJson: string | undefined, maxPayload: number): void {
    const at = this.open(FrameType.REPLY, 5 + 4 + (resultJson?.length ?? 0) * 3);
    this.slab.writeUInt32BE(seq, this.pos);
    this.slab[this.pos + 4] = status;
    this.pos += 5;
    this.json(resultJson, maxPayload, at);
    this.close(at);
  }

  /** A REJECT; the code byte is written only when it is not REFUSED (the frame's original form). */
  reject(seq: number, reason: string, code: RejectCode = RejectCode.REFUSED): void {
    const at = this.open(FrameType.REJECT, 4 + 2 + reason.length * 3 + 1);
    this.slab.writeUInt32BE(seq, this.pos);
    this.pos += 4;
    this.str(reason.slice(0, 4000), 2, 'reason', at);
    if (code !== RejectCode.REFUSED) this.slab[this.pos++] = code;
    this.close(at);
  }

  error(code: number, text: string): void {
    const at = this.open(FrameType.ERROR, 2 + 2 + text.length * 3);
    this.slab.writeUInt16BE(code, this.pos);
    this.pos += 2;
    this.str(text.slice(0, 4000), 2, 'error text', at);
    this.close(at);
  }

  /** Bytes as they are, outside any frame: the connection preamble. */
  raw(data: Buffer): void {
    this.ensure(data.length);
    this.pos += data.copy(this.slab, this.pos);
  }

  /** Exposed for tests that need a frame with an arbitrary body. */
  custom(type: number, body: Buffer): void {
    const at = this.open(type as FrameType, body.length);
    this.pos += body.copy(this.slab, this.pos);
    this.close(at);
  }
}
