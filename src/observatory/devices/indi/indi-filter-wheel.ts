import type { IndiVector } from '../../../transport/indi/indi-types.js';
import type { DeviceLink } from '../device.js';
import type { FilterWheel, FilterWheelStatus } from '../filter-wheel.js';
import type { IndiDevice } from './indi-device.js';

const SLOT = 'FILTER_SLOT';
const NAMES = 'FILTER_NAME';

/**
 * An INDI filter wheel (libindi's `INDI::FilterInterface`: a wheel of its own or one built into
 * a camera) as a {@link FilterWheel}. Slots are 1-based `FILTER_SLOT_VALUE`; the names are
 * `FILTER_NAME`'s `FILTER_SLOT_NAME_1…N`. `name` is the driver's device name.
 */
export class IndiFilterWheel implements FilterWheel {
  readonly name: string;
  readonly #d: IndiDevice;
  /** The last FILTER_SLOT and FILTER_NAME reported: kept over a disconnect, as the getters promise. */
  readonly #last = new Map<string, IndiVector>();
  /** The slot in the beam: FILTER_SLOT's value when it last was not Busy (libindi moves it at the end). */
  #inBeam: number | undefined;
  /** The caller's change: aborted when replaced, or by the caller's signal. */
  #change: AbortController | undefined;
  /** The request on the device, which goes on after its caller gave up (see setFilter). */
  #sent: Promise<unknown> | undefined;

  /**
   * @param names the filters' names in slot order, written to the wheel's FILTER_NAME on every
   *   (re)connect, so that the programme's names work on any wheel; empty: the wheel's own.
   */
  constructor(device: IndiDevice, names: readonly string[] = []) {
    this.#d = device;
    this.name = device.device;
    if (names.length > 0) {
      device.onReady = async () => {
        const v = device.vector(NAMES);
        const values: Record<string, string> = {};
        names.forEach((n, i) => {
          values[`FILTER_SLOT_NAME_${i + 1}`] = n;
        });
        const missing = Object.keys(values).filter((k) => v.type !== 'Text' || !v.elements.has(k));
        if (missing.length > 0) {
          throw device.error(`${names.length} filter names for a wheel of ${v.elements.size} slots`);
        }
        const same =
          v.type === 'Text' &&
          names.every((n, i) => v.elements.get(`FILTER_SLOT_NAME_${i + 1}`)?.value === n);
        if (!same) await device.request(NAMES, values);
      };
    }
    const keep = ({ vector }: { vector: IndiVector }) => {
      if (vector.device !== device.device || (vector.name !== SLOT && vector.name !== NAMES)) return;
      this.#last.set(vector.name, vector);
      if (vector.name === SLOT && vector.state !== 'Busy') this.#inBeam = this.#slotValue();
    };
    device.client.on('define', keep);
    device.client.on('update', keep);
  }

  link(): DeviceLink {
    return this.#d.link();
  }

  async disconnect(): Promise<void> {
    this.#change?.abort(this.#d.error('disconnected'));
    await this.#d.disconnect();
  }

  /** The filters in slot order; a slot without a name is `Slot N`. Without FILTER_NAME, every slot is. */
  filters(): readonly string[] {
    const names = this.#last.get(NAMES);
    const slots = this.#last.get(SLOT);
    const max = slots?.type === 'Number' ? (slots.elements.get('FILTER_SLOT_VALUE')?.max ?? 0) : 0;
    const byName = new Map<number, string>();
    if (names?.type === 'Text') {
      for (const e of names.elements.values()) {
        const n = Number(/^FILTER_SLOT_NAME_(\d+)$/.exec(e.name)?.[1]);
        if (Number.isInteger(n) && n > 0) byName.set(n, e.value.trim());
      }
    }
    const count = byName.size > 0 ? Math.max(...byName.keys()) : Math.max(0, Math.round(max));
    return Array.from({ length: count }, (_, i) => byName.get(i + 1) || `Slot ${i + 1}`);
  }

  /** The filter in the beam; during a change, the one it is leaving. Empty until the wheel reported one. */
  filter(): string {
    const slot = this.#inBeam;
    return slot === undefined ? '' : (this.filters()[slot - 1] ?? `Slot ${slot}`);
  }

  status(): FilterWheelStatus {
    const busy = this.#last.get(SLOT)?.state === 'Busy';
    return busy || this.#change !== undefined || this.#sent !== undefined ? 'moving' : 'idle';
  }

  /**
   * Turns the wheel to `filter`'s slot and waits for FILTER_SLOT Ok at that slot. INDI has no
   * abort for a wheel: an aborted change rejects at once while the wheel goes on to the slot
   * (`moving` until there). A newer change replaces this one (which rejects) and is sent once the
   * device is done with it: two requests of one vector under way at once could not be told apart.
   */
  async setFilter(filter: string, signal?: AbortSignal): Promise<void> {
    const filters = this.filters();
    if (filters.length === 0) this.#d.assertUp(); // never heard of: say why rather than "holds nothing"
    const index = filters.indexOf(filter);
    if (index < 0) throw this.#d.error(`unknown filter "${filter}" (it holds ${filters.join(', ')})`);
    signal?.throwIfAborted();
    this.#d.assertUp();
    const slot = index + 1;
    this.#change?.abort(this.#d.error(`change replaced by a change to ${filter}`));
    this.#change = undefined;
    if (slot === this.#inBeam && this.status() === 'idle') return;
    const change = new AbortController();
    this.#change = change;
    const onAbort = (): void => change.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const before = (this.#sent ?? Promise.resolve()).catch(() => undefined);
    const sent = before.then(async () => {
      if (change.signal.aborted) return;
      await this.#d.request(SLOT, { FILTER_SLOT_VALUE: slot });
      // Another client's change under way too ends with one Ok, at whichever slot came last.
      const at = this.#slotValue();
      if (at !== slot) throw this.#d.error(`the wheel stopped at slot ${at}, not ${slot} (${filter})`);
    });
    this.#sent = sent;
    void sent
      .catch(() => undefined)
      .then(() => {
        if (this.#sent === sent) this.#sent = undefined;
      });
    try {
      await untilAborted(sent, change.signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (this.#change === change) this.#change = undefined;
    }
  }

  #slotValue(): number | undefined {
    const v = this.#last.get(SLOT);
    const value = v?.type === 'Number' ? v.elements.get('FILTER_SLOT_VALUE')?.value : undefined;
    return value === undefined ? undefined : Math.round(value);
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
