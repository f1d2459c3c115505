import { abandonable } from '../abandonable.js';
import type { DeviceLink } from '../device.js';
import type { Dome, DomeState } from '../dome.js';
import type { IndiDevice } from './indi-device.js';

const SHUTTER = 'DOME_SHUTTER';
const PARK = 'DOME_PARK';

/**
 * A dome or a roll-off roof on INDI (libindi's indidome). A dome opens and closes its shutter
 * (`DOME_SHUTTER`), unparking first if parked (drivers refuse to move a parked dome). A roof has
 * no shutter: it opens by unparking and closes by parking (`DOME_PARK`), as INDI's roll-off
 * drivers do. Aborting an open closes again: a dome is never left half open.
 */
export class IndiDome implements Dome {
  readonly name = 'dome';
  readonly #d: IndiDevice;
  /** The last state known, for when the device is down: an unknown shutter is never called closed by us. */
  #last: DomeState = 'closed';
  #closing: Promise<void> | undefined;

  constructor(device: IndiDevice) {
    this.#d = device;
  }

  link(): DeviceLink {
    return this.#d.link();
  }

  disconnect(): Promise<void> {
    return this.#d.disconnect();
  }

  state(): DomeState {
    const d = this.#d;
    if (d.has(SHUTTER)) {
      const busy = d.vector(SHUTTER).state === 'Busy';
      const opening = d.isOn(SHUTTER, 'SHUTTER_OPEN');
      this.#last = busy ? (opening ? 'opening' : 'closing') : opening ? 'open' : 'closed';
    } else if (d.has(PARK)) {
      const busy = d.vector(PARK).state === 'Busy';
      const parking = d.isOn(PARK, 'PARK');
      this.#last = busy ? (parking ? 'closing' : 'opening') : parking ? 'closed' : 'open';
    }
    return this.#last;
  }

  async open(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const d = this.#d;
    d.assertUp();
    if (this.state() === 'closing') throw d.error('cannot open while closing');
    if (this.state() === 'open') return;
    try {
      if (d.has(PARK) && d.isOn(PARK, 'PARK')) await d.request(PARK, ['UNPARK'], withSignal(signal));
      if (d.has(SHUTTER)) await d.request(SHUTTER, ['SHUTTER_OPEN'], withSignal(signal));
      else if (!d.has(PARK))
        throw d.error(`"${d.device}" has neither ${SHUTTER} nor ${PARK}: it cannot open`);
    } catch (err) {
      if (signal?.aborted) {
        await this.close().catch(() => undefined);
        throw signal.reason;
      }
      throw err;
    }
    if (this.state() !== 'open') throw d.error(`opening interrupted: the dome is ${this.state()}`);
  }

  close(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.#closing ??= this.#close().finally(() => {
      this.#closing = undefined;
    });
    return abandonable(this.#closing, signal);
  }

  async #close(): Promise<void> {
    const d = this.#d;
    d.assertUp();
    if (d.has(SHUTTER)) await d.request(SHUTTER, ['SHUTTER_CLOSE']);
    else if (d.has(PARK)) await d.request(PARK, ['PARK']);
    else throw d.error(`"${d.device}" has neither ${SHUTTER} nor ${PARK}: it cannot close`);
    if (this.state() !== 'closed')
      throw d.error(`the driver says it closed, but the dome is ${this.state()}`);
  }
}

function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}
