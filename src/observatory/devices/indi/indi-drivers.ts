import type { DeviceSection } from '../../settings/device-keys.js';
import type { DriverContext, DriverFamily } from '../device-registry.js';
import { IndiDevice } from './indi-device.js';
import { IndiDome } from './indi-dome.js';
import { IndiTelescope } from './indi-telescope.js';
import { parseIndiUrl } from './indi-url.js';

/** How long a driver waits at start for its server to answer with its device (ms). */
export const FIRST_CONTACT_MS = 10_000;

/** The INDI device of a section, connected (or coming up, if its server is not there yet). */
export async function openIndiDevice<K extends DeviceSection>(ctx: DriverContext<K>): Promise<IndiDevice> {
  const section = ctx.section as { readonly timeout_s: number; readonly silence_s: number };
  const device = new IndiDevice({
    name: ctx.kind,
    address: parseIndiUrl(ctx.url),
    clock: ctx.clock,
    site: ctx.site,
    log: ctx.log,
    silenceMs: section.silence_s * 1000,
    timeoutMs: section.timeout_s * 1000,
  });
  return device;
}

/** `indi://HOST:PORT/DEVICE NAME`: a device of an INDI server (docs/devices.md). */
export const INDI_MOUNT_DRIVERS: Pick<DriverFamily['devices'], 'telescope' | 'dome'> = {
  telescope: async (ctx) => {
    const device = await openIndiDevice(ctx);
    const telescope = new IndiTelescope(device, {
      clock: ctx.clock,
      site: ctx.site,
      arriveWithinDeg: ctx.section.arrive_within_deg,
    });
    await device.start(FIRST_CONTACT_MS);
    return telescope;
  },
  dome: async (ctx) => {
    const device = await openIndiDevice(ctx);
    const dome = new IndiDome(device);
    await device.start(FIRST_CONTACT_MS);
    return dome;
  },
};

/** The `indi:` family: INDI runs in real time, so a faster simulated clock is refused with it. */
export function indiFamily(devices: DriverFamily['devices']): DriverFamily {
  return {
    scheme: 'indi:',
    realTime: true,
    check: (url) => void parseIndiUrl(url),
    devices,
  };
}
