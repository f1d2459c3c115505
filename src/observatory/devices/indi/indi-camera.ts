import { inflateSync } from 'node:zlib';
import type { Logger } from '../../../logging/logger.js';
import type { IndiClientEvents, IndiVector } from '../../../transport/indi/indi-types.js';
import type { Clock } from '../../clock/clock.js';
import { CARD_LENGTH, formatCard, parseCard } from '../../images/fits-card.js';
import type { FitsCard } from '../../images/fits-header.js';
import { decodeFits } from '../../images/fits-reader.js';
import { RESERVED_KEYWORDS } from '../../images/fits-writer.js';
import type { Camera, CameraFrame, CameraStatus, ExposureRequest } from '../camera.js';
import type { DeviceLink } from '../device.js';
import type { IndiDevice } from './indi-device.js';

/** What an INDI camera is set up with (its `[camera]` section). */
export interface IndiCameraOptions {
  readonly clock: Clock;
  readonly log: Logger;
  /** Binning asked of the driver on every (re)connect, both axes. */
  readonly binning: number;
  /** Arcseconds per unbinned pixel, used when the driver does not know its pixel size and focal length. */
  readonly pixelScaleArcsec: number;
  /** Added to the exposure time: how long the readout and the upload may take. */
  readonly timeoutMs: number;
}

/** One exposure under way. */
interface Exposure {
  readonly exposureS: number;
  /** Clock time CCD_EXPOSURE was sent; unset while the frame type is being set. */
  sentAt?: number;
  /** The driver took it: CCD_EXPOSURE went Busy after the send. */
  started: boolean;
  /** Its countdown reached 0: reading out. */
  counted: boolean;
  /** Aborted when it settles: ends its request and timers. */
  readonly done: AbortController;
  readonly resolve: (frame: CameraFrame) => void;
  readonly reject: (reason: unknown) => void;
}

/** Not the driver's to say in our header: they describe the data as the driver stored it. */
const STRUCTURAL = new Set(['BLANK', 'PCOUNT', 'GCOUNT', 'XTENSION', 'CHECKSUM', 'DATASUM', 'NAXIS3']);

/**
 * An INDI CCD (libindi's `INDI::CCD`: every INDI camera driver) as a {@link Camera}. The image
 * comes as the `CCD1` BLOB, asked for on this connection only; its FITS header's cards are
 * handed on as the frame's `cards`. `name` is the driver's device name (the INSTRUME card).
 */
export class IndiCamera implements Camera {
  readonly name: string;
  readonly #d: IndiDevice;
  readonly #o: IndiCameraOptions;
  #current: Exposure | undefined;
  /** An aborted exposure being stopped on the device: busy until the driver says it stopped. */
  #stopping: Promise<void> | undefined;

  constructor(device: IndiDevice, options: IndiCameraOptions) {
    this.#d = device;
    this.#o = options;
    this.name = device.device;
    device.onReady = () => this.#setUp();
    const c = device.client;
    const ours = (d: string | undefined) => d === device.device;
    c.on('update', ({ vector }) => {
      if (ours(vector.device) && vector.name === 'CCD_EXPOSURE') this.#progress(vector);
    });
    c.on('blob', (b) => {
      if (ours(b.device) && b.vector === 'CCD1') this.#image(b);
    });
    // A BLOB over the client's limit (or unreadable) is dropped with an error event: the image is lost.
    c.on('error', (e) => {
      if (ours(e.device) && e.property === 'CCD1') this.#fail(device.error(e.reason));
    });
    c.on('disconnected', ({ reason }) =>
      this.#fail(device.error(`the link went down mid-exposure: ${device.link().reason ?? reason}`)),
    );
    c.on('delete', ({ device: d, name }) => {
      if (ours(d) && (name === undefined || name === 'CCD_EXPOSURE'))
        this.#fail(device.error(`the driver removed ${name ?? 'the device'} mid-exposure`));
    });
  }

  link(): DeviceLink {
    return this.#d.link();
  }

  async disconnect(): Promise<void> {
    this.#fail(this.#d.error('disconnected'));
    await this.#d.disconnect();
  }

  status(): CameraStatus {
    const e = this.#current;
    if (e === undefined) return this.#stopping === undefined ? 'idle' : 'exposing';
    const elapsed = e.sentAt !== undefined && this.#o.clock.now() >= e.sentAt + e.exposureS * 1000;
    return e.counted || elapsed ? 'reading' : 'exposing';
  }

  async expose(request: ExposureRequest, signal?: AbortSignal): Promise<CameraFrame> {
    const s = request.exposureS;
    if (!(s >= 0) || !Number.isFinite(s)) throw this.#d.error(`exposure time ${s} s is not a duration >= 0`);
    const status = this.status();
    if (status !== 'idle') throw this.#d.error(`busy (${status})`);
    signal?.throwIfAborted();
    this.#d.assertUp();
    return new Promise<CameraFrame>((resolve, reject) => {
      const done = new AbortController();
      const e: Exposure = { exposureS: s, started: false, counted: false, done, resolve, reject };
      this.#current = e;
      const onAbort = () => {
        const sent = e.sentAt !== undefined;
        this.#fail(signal?.reason, e);
        if (sent) this.#stop();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      done.signal.addEventListener('abort', () => signal?.removeEventListener('abort', onAbort));
      this.#start(e).catch((err: unknown) => this.#fail(err, e));
    });
  }

  /** Light frame, then the exposure; the BLOB, an Alert, a drop, the timeout or the link ends it. */
  async #start(e: Exposure): Promise<void> {
    const d = this.#d;
    if (d.has('CCD_FRAME_TYPE') && !d.isOn('CCD_FRAME_TYPE', 'FRAME_LIGHT'))
      await d.request('CCD_FRAME_TYPE', ['FRAME_LIGHT'], { signal: e.done.signal });
    if (this.#current !== e) return;
    const totalMs = e.exposureS * 1000 + this.#o.timeoutMs;
    const sentAt = this.#o.clock.now();
    e.sentAt = sentAt;
    // Ends with CCD_EXPOSURE Ok, usually just after the BLOB, which is what ends the exposure:
    // this wait carries the driver's Alert, in its own words.
    const values = { CCD_EXPOSURE_VALUE: e.exposureS };
    d.request('CCD_EXPOSURE', values, { timeoutMs: totalMs, signal: e.done.signal }).catch((err: unknown) =>
      this.#fail(err, e),
    );
    // The timeout, and a driver that stops answering (the watchdog says down) on a live connection.
    const watch = setInterval(() => {
      if (d.link().state !== 'up') this.#fail(d.error(`down mid-exposure: ${d.link().reason}`), e);
      if (this.#o.clock.now() - sentAt < totalMs || this.#current !== e) return;
      const why = `no image ${Math.round(totalMs / 1000)} s after a ${e.exposureS} s exposure began`;
      this.#fail(d.error(why), e);
      this.#stop();
    }, 1000);
    e.done.signal.addEventListener('abort', () => clearInterval(watch));
  }

  #progress(v: IndiVector): void {
    const e = this.#current;
    if (e?.sentAt === undefined || v.type !== 'Number') return;
    if (v.state === 'Busy') e.started = true;
    const left = v.elements.get('CCD_EXPOSURE_VALUE')?.value;
    if (e.started && (v.state === 'Ok' || (v.state === 'Busy' && left !== undefined && left <= 0)))
      e.counted = true;
  }

  /**
   * The image, if it is the current exposure's: it must come after the driver took the exposure,
   * and not sooner than the exposure could have been made. libindi uploads from a thread of its
   * own, so an aborted exposure's image may still arrive after the next exposure started.
   */
  #image(b: IndiClientEvents['blob']): void {
    const e = this.#current;
    const now = this.#o.clock.now();
    if (e?.sentAt === undefined || !e.started || now < e.sentAt + 0.9 * e.exposureS * 1000) {
      this.#o.log.debug(this.#d.error("ignored an image that is not the current exposure's").message);
      return;
    }
    try {
      const frame = readFrame(b.format, b.data, b.size, this.name);
      this.#end(e);
      const scale = this.#pixelScale();
      e.resolve({ ...frame, startedAt: e.sentAt, exposureS: e.exposureS, pixelScaleArcsec: scale });
    } catch (err) {
      this.#fail(this.#d.error((err as Error).message), e);
    }
  }

  /** ″/px: 206.265 × pixel size (µm) × binning / focal length (mm) when the driver knows both. */
  #pixelScale(): number {
    const d = this.#d;
    const bin = d.number('CCD_BINNING', 'HOR_BIN') ?? this.#o.binning;
    const um = d.number('CCD_INFO', 'CCD_PIXEL_SIZE_X') ?? d.number('CCD_INFO', 'CCD_PIXEL_SIZE') ?? 0;
    const mm = d.number('SCOPE_INFO', 'FOCAL_LENGTH') ?? 0;
    return um > 0 && mm > 0 ? (206.265 * um * bin) / mm : this.#o.pixelScaleArcsec * bin;
  }

  #end(e: Exposure): void {
    if (this.#current === e) this.#current = undefined;
    e.done.abort();
  }

  /** Rejects the exposure (the current one unless named); a later word about it changes nothing. */
  #fail(reason: unknown, e = this.#current): void {
    if (e === undefined || this.#current !== e) return;
    this.#end(e);
    e.reject(reason);
  }

  /** Aborts on the device; the camera stays busy until the driver says the exposure stopped. */
  #stop(): void {
    const d = this.#d;
    if (!d.has('CCD_ABORT_EXPOSURE') || this.#stopping !== undefined) return;
    const stopping = (async () => {
      try {
        await d.request('CCD_ABORT_EXPOSURE', ['ABORT']);
        const stopped = (v: IndiVector) => v.state !== 'Busy';
        await d.client.waitFor(d.device, 'CCD_EXPOSURE', stopped, { timeoutMs: this.#o.timeoutMs });
      } catch (err) {
        this.#o.log.warn(d.error(`abort: ${(err as Error).message}`).message);
      } finally {
        this.#stopping = undefined;
      }
    })();
    this.#stopping = stopping;
  }

  /** Every (re)connect: images to us as FITS, binned as configured, the full frame. */
  async #setUp(): Promise<void> {
    const d = this.#d;
    d.client.enableBlob(d.device, 'Also', 'CCD1');
    if (d.has('UPLOAD_MODE') && !d.isOn('UPLOAD_MODE', 'UPLOAD_CLIENT'))
      await d.request('UPLOAD_MODE', ['UPLOAD_CLIENT']);
    if (d.has('CCD_TRANSFER_FORMAT') && !d.isOn('CCD_TRANSFER_FORMAT', 'FORMAT_FITS'))
      await d.request('CCD_TRANSFER_FORMAT', ['FORMAT_FITS']);
    const bin = this.#o.binning;
    const binned = d.number('CCD_BINNING', 'HOR_BIN') === bin && d.number('CCD_BINNING', 'VER_BIN') === bin;
    if (d.has('CCD_BINNING') && !binned) await d.request('CCD_BINNING', { HOR_BIN: bin, VER_BIN: bin });
    if (!d.has('CCD_FRAME')) return;
    // CCD_FRAME counts unbinned pixels: the whole sensor is CCD_INFO's size, else the frame's bounds.
    const frame = d.vector('CCD_FRAME');
    const bound = (el: string) => (frame.type === 'Number' ? (frame.elements.get(el)?.max ?? 0) : 0);
    const width = d.number('CCD_INFO', 'CCD_MAX_X') ?? bound('WIDTH');
    const height = d.number('CCD_INFO', 'CCD_MAX_Y') ?? bound('HEIGHT');
    const full = { X: 0, Y: 0, WIDTH: width, HEIGHT: height };
    const whole = Object.entries(full).every(([k, v]) => d.number('CCD_FRAME', k) === v);
    if (width > 0 && height > 0 && !whole) await d.request('CCD_FRAME', full);
  }
}

type Image = Omit<CameraFrame, 'startedAt' | 'exposureS'>;

/** The pixels and the driver's cards of an image as the driver sent it; throws one line. */
function readFrame(format: string, data: Buffer, size: number, where: string): Image {
  if (format === '.fits.fz') {
    throw new Error(
      `the driver sent a ${format} (fpack) image; .fits and .fits.z are read: turn CCD_COMPRESSION off`,
    );
  }
  if (format !== '.fits' && format !== '.fits.z') {
    throw new Error(`the driver sent a "${format}" image, not FITS: set CCD_TRANSFER_FORMAT to FORMAT_FITS`);
  }
  let bytes = data;
  // libindi's CCD_COMPRESSION of a FITS is zlib's compress2; `size` is the uncompressed size.
  if (format === '.fits.z') {
    try {
      bytes = inflateSync(data, { maxOutputLength: Math.max(size, 2880) });
    } catch (err) {
      throw new Error(`cannot inflate the ${format} image: ${(err as Error).message}`);
    }
  }
  const fits = decodeFits(bytes, `${where} image`);
  const bitpix = fits.header.BITPIX;
  const whole =
    (bitpix === 8 || bitpix === 16) && fits.data.every((v) => Number.isInteger(v) && v >= 0 && v <= 65535);
  return {
    pixels: whole ? Uint16Array.from(fits.data) : fits.data,
    width: fits.width,
    height: fits.height,
    cards: driverCards(bytes),
  };
}

/** The header's valued cards we can write back, first of each keyword, with their comments. */
function driverCards(bytes: Buffer): FitsCard[] {
  const cards: FitsCard[] = [];
  const seen = new Set<string>();
  for (let at = 0; at + CARD_LENGTH <= bytes.length; at += CARD_LENGTH) {
    const text = bytes.toString('latin1', at, at + CARD_LENGTH);
    const { keyword, value } = parseCard(text);
    if (keyword === 'END') break;
    if (value === undefined || seen.has(keyword) || RESERVED_KEYWORDS.has(keyword) || STRUCTURAL.has(keyword))
      continue;
    seen.add(keyword);
    const comment = cardComment(text);
    const card = comment === undefined ? { keyword, value } : { keyword, value, comment };
    try {
      formatCard(card.keyword, card.value, card.comment); // what writeFits would refuse is left out
      cards.push(card);
    } catch {
      // an illegal keyword, a value too long or not ASCII: the driver's own business
    }
  }
  return cards;
}

/** The text after the value's `/`, if any (a quoted string may itself hold a `/`). */
function cardComment(card: string): string | undefined {
  let rest = card.slice(10).trimStart();
  if (rest.startsWith("'")) {
    let i = 1;
    while (i < rest.length && !(rest[i] === "'" && rest[i + 1] !== "'")) i += rest[i] === "'" ? 2 : 1;
    rest = rest.slice(i + 1);
  }
  const slash = rest.indexOf('/');
  const comment = slash < 0 ? '' : rest.slice(slash + 1).trim();
  return comment === '' ? undefined : comment;
}
