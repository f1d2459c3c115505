import type { Device } from './device.js';

/** Where the dome's shutter is. */
export type DomeState = 'open' | 'closed' | 'opening' | 'closing';

/** A dome (or roll-off roof), simulated ({@link DomeSim}) or real. */
export interface Dome extends Device {
  state(): DomeState;
  /**
   * Opens; resolves once open. Rejects with a DeviceError while closing, or if a close
   * interrupts it; aborting it closes the dome again (a dome is never left half open).
   */
  open(signal?: AbortSignal): Promise<void>;
  /** Closes, from any state, even mid-opening; resolves once closed. The signal only abandons the wait. */
  close(signal?: AbortSignal): Promise<void>;
}
