// What every `indi:` factory does: the section's IndiDevice (not connected yet, so that its
// driver can set `onReady` first), then started.
import type { DriverContext } from '../device-registry.js';
import { IndiDevice } from './indi-device.js';
import { parseIndiUrl } from './indi-url.js';

/** How long a factory waits for the server to show the device before starting it down. */
const FIRST_WAIT_MS = 10_000;

/** What a factory's IndiDevice is made of: the context, and the keys every device section has. */
type DeviceContext = Pick<DriverContext, 'kind' | 'url' | 'clock' | 'site' | 'log'> & {
  readonly section: { readonly timeout_s: number; readonly silence_s: number };
};

/** The section's INDI device: not connected yet, so that its driver can set `onReady` first. */
export function indiDevice(ctx: DeviceContext): IndiDevice {
  return new IndiDevice({
    name: ctx.kind,
    address: parseIndiUrl(ctx.url),
    clock: ctx.clock,
    site: ctx.site,
    log: ctx.log,
    silenceMs: ctx.section.silence_s * 1000,
    timeoutMs: ctx.section.timeout_s * 1000,
  });
}

/** Starts the device; resolves with its driver. A server without the device rejects (one line). */
export async function started<D>(device: IndiDevice, driver: D): Promise<D> {
  await device.start(FIRST_WAIT_MS);
  return driver;
}
