import type { Device } from './device.js';

/** Whether the wheel is turning. */
export type FilterWheelStatus = 'idle' | 'moving';

/** A filter wheel, simulated ({@link FilterWheelSim}) or real. */
export interface FilterWheel extends Device {
  /** The filters it holds, in slot order. */
  filters(): readonly string[];
  /** The filter in the beam (during a change: the one it is leaving, until the change completes). */
  filter(): string;
  status(): FilterWheelStatus;
  /**
   * Puts `filter` in the beam; resolves once there. Rejects with a DeviceError for a filter the
   * wheel does not hold or when a newer change replaces this one; with the signal's reason if
   * aborted (the wheel then keeps its filter).
   */
  setFilter(filter: string, signal?: AbortSignal): Promise<void>;
}
