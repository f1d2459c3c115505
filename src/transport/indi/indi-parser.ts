// The incremental INDI parser: bytes in, in chunks of any size (a UTF-8 character may be split
// between two), typed messages out as each top-level element closes.
//
// The stream has no document root, so the parser opens a synthetic one before the first byte.
// sax (a well-kept, dependency-free streaming parser) was chosen over saxes and fast-xml-parser
// because it hands a long text node over in pieces of at most ~64 K characters as it streams:
// a multi-megabyte base64 BLOB is decoded as it arrives and never held as one string.
//
// Every size is bounded (IndiLimits). Content over a limit (an element's text, a BLOB, too many
// elements) costs only its message: a 'problem' comes out and parsing goes on. What cannot be
// read as XML (malformed markup, an attribute over its limit, absurd nesting) throws an
// IndiParseError: the stream cannot be trusted past it, and the client drops the connection.
import { StringDecoder } from 'node:string_decoder';
import sax from 'sax';
import { BlobDecodeError, BlobDecoder } from './indi-blob-decoder.js';
import { type Attributes, buildMessage, elementTagOf, type RawElement, vectorTypeOf } from './indi-build.js';
import type { IndiInbound } from './indi-messages.js';
import { DEFAULT_INDI_LIMITS, type IndiLimits } from './indi-types.js';

/** The stream is not XML (or not within the limits that keep parsing it safe). One line. */
export class IndiParseError extends Error {}

const ROOT = '<indi>';
/** Nesting deeper than this (the synthetic root counts) is not INDI. */
const MAX_DEPTH = 16;
/** sax is fed at most this many characters per write: it checks its buffers after each write. */
const SLICE = 16 * 1024;

interface OpenMessage {
  readonly tag: string;
  readonly attrs: Attributes;
  /** The children's tag the message is built from, or undefined for a message that has none. */
  readonly childTag: string | undefined;
  readonly elements: RawElement[];
  /** Set once the message is dropped: its remaining content is skipped. */
  dropped: boolean;
}

interface OpenElement {
  readonly attrs: Attributes;
  readonly tag: string;
  readonly text: string[];
  bytes: number;
  /** For a oneBLOB: its decoder; undefined once the BLOB was refused. */
  blob: BlobDecoder | undefined;
}

/** An incremental parser of what an INDI server sends to a client. */
export class IndiParser {
  private readonly limits: IndiLimits;
  private readonly sax = sax.parser(true, { position: true, strictEntities: true });
  private readonly utf8 = new StringDecoder('utf8');
  private out: IndiInbound[] = [];
  private failure: string | undefined;
  private depth = 0;
  private attributes = 0;
  private message: OpenMessage | undefined;
  private element: OpenElement | undefined;

  constructor(limits: Partial<IndiLimits> = {}) {
    this.limits = { ...DEFAULT_INDI_LIMITS, ...limits };
    const p = this.sax;
    p.onattribute = (a) => this.onAttribute(a.name, a.value);
    p.onopentag = (tag) => this.onOpen(tag.name, tag.attributes);
    p.ontext = (text) => this.onText(text);
    p.oncdata = (text) => this.onText(text);
    p.onclosetag = () => this.onClose();
    p.onerror = (err) => this.fail(`malformed XML: ${err.message.split('\n')[0]}`);
    p.write(ROOT);
  }

  /**
   * Parses the next chunk; returns the messages (and problems) it completed, in stream order.
   * @throws IndiParseError when the stream is not readable XML; the parser is then unusable.
   */
  push(chunk: Buffer | string): IndiInbound[] {
    if (this.failure !== undefined) throw new IndiParseError(this.failure);
    const text = typeof chunk === 'string' ? chunk : this.utf8.write(chunk);
    for (let i = 0; i < text.length && this.failure === undefined; i += SLICE) {
      this.sax.write(text.slice(i, i + SLICE));
    }
    const done = this.out;
    this.out = [];
    if (this.failure !== undefined) throw new IndiParseError(this.failure);
    return done;
  }

  private fail(reason: string): void {
    if (this.failure !== undefined) return;
    const m = this.message;
    const tag = this.sax.tagName ? ` at <${this.sax.tagName.slice(0, 64)}>` : '';
    const named = m?.attrs.device !== undefined ? ` ${m.attrs.device}.${m.attrs.name ?? '?'}` : '';
    const within = m ? ` in ${m.tag.slice(0, 64)}${named}` : '';
    // Positions in the server's stream: the synthetic root is not part of it.
    const column = this.sax.line === 0 ? this.sax.column - ROOT.length : this.sax.column;
    this.failure = `${reason}${tag}${within} (line ${this.sax.line + 1}, column ${column})`;
  }

  private problem(reason: string, device?: string, property?: string): void {
    this.out.push({
      kind: 'problem',
      reason,
      ...(device ? { device } : {}),
      ...(property ? { property } : {}),
    });
  }

  private onAttribute(name: string, value: string): void {
    if (++this.attributes > this.limits.maxAttributes) {
      this.fail(`more than ${this.limits.maxAttributes} attributes on one element`);
    } else if (value.length > this.limits.maxAttributeLength) {
      this.fail(
        `attribute ${name.slice(0, 64)} over the limit of ${this.limits.maxAttributeLength} characters`,
      );
    }
  }

  private onOpen(tag: string, attrs: Attributes): void {
    this.attributes = 0;
    if (this.failure !== undefined) return;
    this.depth++;
    if (this.depth > MAX_DEPTH) return this.fail(`elements nested deeper than ${MAX_DEPTH}`);
    if (this.depth === 2) {
      const vt = vectorTypeOf(tag);
      this.message = {
        tag,
        attrs,
        childTag: vt === undefined ? undefined : elementTagOf(vt.op, vt.type),
        elements: [],
        dropped: false,
      };
    } else if (this.depth === 3) this.openElement(tag, attrs);
  }

  private openElement(tag: string, attrs: Attributes): void {
    const m = this.message;
    if (m === undefined || m.dropped || tag !== m.childTag) return; // ignored, with its content
    if (m.elements.length + 1 > this.limits.maxElementsPerVector) {
      return this.drop(`${m.tag} with more than ${this.limits.maxElementsPerVector} elements dropped`);
    }
    this.element = { tag, attrs, text: [], bytes: 0, blob: undefined };
    if (tag === 'oneBLOB') this.element.blob = this.openBlob(m, attrs);
  }

  /**
   * A decoder for a oneBLOB, or undefined (and a problem) when the size it declares is over the
   * limit: `size` (uncompressed), `len` (decoded bytes, what libindi 1.9 writes) or `enclen`
   * (base64 characters, what the protocol document names).
   */
  private openBlob(m: OpenMessage, attrs: Attributes): BlobDecoder | undefined {
    const max = this.limits.maxBlobBytes;
    const declared = (text: string | undefined, scale = 1) => {
      const n = Number(text ?? 0) * scale;
      return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
    };
    const expected = Math.max(declared(attrs.size), declared(attrs.len), declared(attrs.enclen, 3 / 4));
    if (expected > max) {
      this.blobProblem(m, attrs, `of ${expected} bytes is over the limit of ${max} bytes`);
      return undefined;
    }
    return new BlobDecoder(max, expected);
  }

  private blobProblem(m: OpenMessage, attrs: Attributes, what: string): void {
    const { device, name } = m.attrs;
    this.problem(`BLOB ${device}.${name}.${attrs.name ?? '?'} ${what}: dropped`, device, name);
  }

  private drop(reason: string): void {
    const m = this.message;
    if (m === undefined || m.dropped) return;
    m.dropped = true;
    this.element = undefined;
    this.problem(`${reason} (${m.attrs.device ?? '?'}.${m.attrs.name ?? '?'})`, m.attrs.device, m.attrs.name);
  }

  private onText(text: string): void {
    if (this.failure !== undefined) return;
    if (this.depth === 1) {
      if (text.trim() !== '') this.fail('text outside any INDI element');
      return;
    }
    const e = this.element;
    if (this.depth !== 3 || e === undefined) return; // between elements, or in ignored content
    if (e.tag === 'oneBLOB') return this.blobText(e, text);
    e.bytes += Buffer.byteLength(text);
    if (e.bytes > this.limits.maxTextBytes) {
      return this.drop(`text of ${e.attrs.name ?? '?'} over the limit of ${this.limits.maxTextBytes} bytes`);
    }
    e.text.push(text);
  }

  private blobText(e: OpenElement, text: string): void {
    if (e.blob === undefined) return;
    try {
      e.blob.push(text);
    } catch (err) {
      if (!(err instanceof BlobDecodeError) || this.message === undefined) throw err;
      e.blob = undefined;
      this.blobProblem(this.message, e.attrs, err.message.replace(/^BLOB /, ''));
    }
  }

  private onClose(): void {
    if (this.failure !== undefined) return;
    this.depth--;
    if (this.depth === 2) this.closeElement();
    else if (this.depth === 1) this.closeMessage();
    else if (this.depth === 0) this.fail('the stream closed its root element');
  }

  private closeElement(): void {
    const e = this.element;
    const m = this.message;
    this.element = undefined;
    if (e === undefined || m === undefined || m.dropped) return;
    if (e.tag !== 'oneBLOB') {
      m.elements.push({ tag: e.tag, attrs: e.attrs, text: e.text.join('').trim() });
      return;
    }
    if (e.blob === undefined) return; // refused: left out of the message
    try {
      const data = e.blob.finish();
      const size = Number(e.attrs.size);
      m.elements.push({
        tag: e.tag,
        attrs: e.attrs,
        text: '',
        blob: {
          name: e.attrs.name ?? '',
          format: e.attrs.format ?? '',
          size: Number.isFinite(size) ? size : data.length,
          data,
        },
      });
    } catch (err) {
      if (!(err instanceof BlobDecodeError)) throw err;
      this.blobProblem(m, e.attrs, err.message.replace(/^BLOB /, ''));
    }
  }

  private closeMessage(): void {
    const m = this.message;
    this.message = undefined;
    if (m === undefined || m.dropped) return;
    const built = buildMessage(m);
    if (built !== undefined) this.out.push(built);
  }
}
