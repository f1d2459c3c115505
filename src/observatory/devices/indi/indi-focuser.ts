import type { Logger } from '../../../logging/logger.js';
import type { IndiNumberElement, IndiVector } from '../../../transport/indi/indi-types.js';
import type { DeviceLink } from '../device.js';
import type { Focuser, FocuserStatus } from '../focuser.js';
import type { IndiDevice } from './indi-device.js';

const ABS = 'ABS_FOCUS_POSITION';
const MAX = 'FOCUS_MAX';
const REL = 'REL_FOCUS_POSITION';
const WATCHED = new Set([ABS, MAX, REL]);

/**
 * An INDI focuser (libindi's `INDI::FocuserInterface`) that moves to absolute positions, as a
 * {@link Focuser}: `ABS_FOCUS_POSITION.FOCUS_ABSOLUTE_POSITION`, bounded by `FOCUS_MAX` (else by
 * the element's own max), stopped by `FOCUS_ABORT_MOTION` where the driver defines it. `name` is
 * the driver's device name.
 */
export class IndiFocuser implements Focuser {
  readonly name: string;
  readonly #d: IndiDevice;
  readonly #log: Logger;
  /** The last ABS/REL_FOCUS_POSITION and FOCUS_MAX reported: kept over a disconnect, as the getters promise. */
  readonly #last = new Map<string, IndiVector>();
  /** The caller's move: aborted when replaced, or by the caller's signal. */
  #move: AbortController | undefined;
  /** The request on the device, which goes on after its caller gave up (see moveTo). */
  #sent: Promise<unknown> | undefined;

  constructor(device: IndiDevice, log: Logger) {
    this.#d = device;
    this.#log = log;
    this.name = device.device;
    const keep = ({ vector }: { vector: IndiVector }) => {
      if (vector.device === device.device && WATCHED.has(vector.name)) this.#last.set(vector.name, vector);
    };
    device.client.on('define', keep);
    device.client.on('update', keep);
  }

  link(): DeviceLink {
    return this.#d.link();
  }

  async disconnect(): Promise<void> {
    this.#move?.abort(this.#d.error('disconnected'));
    await this.#d.disconnect();
  }

  /** The last position reported (NaN until the focuser has reported one). */
  position(): number {
    return Math.round(this.#element(ABS, 'FOCUS_ABSOLUTE_POSITION')?.value ?? Number.NaN);
  }

  /** FOCUS_MAX where defined, else ABS_FOCUS_POSITION's max (NaN until reported). */
  maxPosition(): number {
    const max =
      this.#element(MAX, 'FOCUS_MAX_VALUE')?.value ?? this.#element(ABS, 'FOCUS_ABSOLUTE_POSITION')?.max;
    return Math.round(max ?? Number.NaN);
  }

  status(): FocuserStatus {
    const busy = this.#last.get(ABS)?.state === 'Busy' || this.#last.get(REL)?.state === 'Busy';
    return busy || this.#move !== undefined || this.#sent !== undefined ? 'moving' : 'idle';
  }

  /**
   * Sends the position and waits for ABS_FOCUS_POSITION Ok. An abort sends FOCUS_ABORT_MOTION
   * where the driver has it; a focuser without it cannot be stopped: the move rejects at once and
   * the focuser goes on to the target, `moving` until it is there. A newer move replaces this one
   * (which rejects) and is sent once the device is done with it: two requests of one vector under
   * way at once could not be told apart by their answers.
   */
  async moveTo(position: number, signal?: AbortSignal): Promise<void> {
    if (!Number.isInteger(position))
      throw this.#d.error(`position ${position} is not a whole number of steps`);
    this.#d.assertUp();
    const max = this.maxPosition();
    const min = Math.max(0, Math.ceil(this.#element(ABS, 'FOCUS_ABSOLUTE_POSITION')?.min ?? 0));
    if (position < min || position > max) throw this.#d.error(`position ${position} outside ${min}..${max}`);
    signal?.throwIfAborted();
    this.#move?.abort(this.#d.error(`move replaced by a move to ${position}`));
    const move = new AbortController();
    this.#move = move;
    const onAbort = (): void => {
      move.abort(signal?.reason);
      this.#halt();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const before = (this.#sent ?? Promise.resolve()).catch(() => undefined);
    const sent = before.then(() => {
      if (!move.signal.aborted) return this.#d.request(ABS, { FOCUS_ABSOLUTE_POSITION: position });
    });
    this.#sent = sent;
    void sent
      .catch(() => undefined)
      .then(() => {
        if (this.#sent === sent) this.#sent = undefined;
      });
    try {
      await untilAborted(sent, move.signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (this.#move === move) this.#move = undefined;
    }
  }

  #halt(): void {
    if (!this.#d.has('FOCUS_ABORT_MOTION')) return; // see moveTo: it goes on to the target
    try {
      this.#d.send('FOCUS_ABORT_MOTION', 'Switch', ['ABORT']);
    } catch (err) {
      this.#log.warn(this.#d.error(`abort: ${(err as Error).message}`).message);
    }
  }

  #element(vector: string, element: string): IndiNumberElement | undefined {
    const v = this.#last.get(vector);
    return v?.type === 'Number' ? v.elements.get(element) : undefined;
  }
}

/** `promise`, or the signal's reason as soon as it is aborted. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
