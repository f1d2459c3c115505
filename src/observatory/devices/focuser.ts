import type { Device } from './device.js';

/** Whether the focuser is moving. */
export type FocuserStatus = 'idle' | 'moving';

/** A focuser, simulated ({@link FocuserSim}) or real; positions are whole steps from 0 to `maxPosition()`. */
export interface Focuser extends Device {
  /** The position now (mid-move: the last one reported). */
  position(): number;
  maxPosition(): number;
  status(): FocuserStatus;
  /**
   * Moves to `position`; resolves once there. Rejects with a DeviceError for a position outside
   * 0..maxPosition or when a newer move replaces this one; with the signal's reason if aborted
   * (the focuser then stops where it is).
   */
  moveTo(position: number, signal?: AbortSignal): Promise<void>;
}
