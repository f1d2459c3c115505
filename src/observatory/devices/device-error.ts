/**
 * A device refused or failed a command. The message names the device, so that a log line read
 * alone says which one: `telescope: target alt 12.3° below horizon limit 20°`.
 */
export class DeviceError extends Error {
  override readonly name = 'DeviceError';

  /**
   * @param device the device's name (e.g. `telescope`, `dome`).
   * @param reason what was refused and why, without the device's name.
   */
  constructor(
    readonly device: string,
    readonly reason: string,
  ) {
    super(`${device}: ${reason}`);
  }
}
