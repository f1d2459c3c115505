/**
 * Whether a device answers. A simulator is always `up`; a real driver is `down` when its server is
 * unreachable or the device stopped answering (a silence longer than its watchdog), and then its
 * state getters hold the last state it reported: known to be old, so not to be acted on.
 */
export interface DeviceLink {
  readonly state: 'up' | 'connecting' | 'down';
  /** Why it is not up (one line, the driver's own words where it gave some). */
  readonly reason?: string;
  /** When the device last said anything (observatory time, ms); undefined for a simulator. */
  readonly heardAt?: number;
}

/**
 * What every device is. State getters (`status()`, `pointing()`, …) are synchronous and return the
 * last state the device reported: for a simulator, now; for a driver that pushes its state (INDI),
 * at most its silence watchdog old, or `link()` says `down`.
 */
export interface Device {
  readonly name: string;
  /** Whether it answers; see {@link DeviceLink}. */
  link(): DeviceLink;
  /** Releases its connection and timers (a simulator has none); the device is not used after. */
  disconnect(): Promise<void>;
}

/** The link of a device that is always there (a simulator). */
export const ALWAYS_UP: DeviceLink = Object.freeze({ state: 'up' });
