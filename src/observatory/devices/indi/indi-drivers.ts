import type { DriverFamily } from '../device-registry.js';
import { IndiDome } from './indi-dome.js';
import { indiDevice, started } from './indi-open.js';
import { IndiTelescope } from './indi-telescope.js';
import { parseIndiUrl } from './indi-url.js';

/** `indi://HOST:PORT/DEVICE NAME`: a device of an INDI server (docs/devices.md). */
export const INDI_MOUNT_DRIVERS: Pick<DriverFamily['devices'], 'telescope' | 'dome'> = {
  telescope: async (ctx) => {
    const device = indiDevice(ctx);
    const options = {
      clock: ctx.clock,
      site: ctx.site,
      arriveWithinDeg: ctx.section.arrive_within_deg,
      settleMs: Math.max(5, ctx.section.settle_s) * 1000,
    };
    return started(device, new IndiTelescope(device, options));
  },
  dome: async (ctx) => {
    const device = indiDevice(ctx);
    return started(device, new IndiDome(device));
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
