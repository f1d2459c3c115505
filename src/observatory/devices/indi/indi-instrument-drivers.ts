// The `indi:` factories of the instruments (camera, filter wheel, focuser, weather station): one
// IndiDevice each, on a connection of its own, wrapped by its kind's driver and started. The
// family itself (with the telescope and dome) is registered elsewhere.
import type { DeviceFactory } from '../device-registry.js';
import { IndiCamera } from './indi-camera.js';
import { IndiFilterWheel } from './indi-filter-wheel.js';
import { IndiFocuser } from './indi-focuser.js';
import { indiDevice, started } from './indi-open.js';
import { IndiWeather } from './indi-weather.js';

/** The device kinds built here. */
export type IndiInstrumentKind = 'camera' | 'filter_wheel' | 'focuser' | 'weather';

/** The instruments' factories of the `indi:` family, by device section. */
export const INDI_INSTRUMENT_DRIVERS = {
  camera: async (ctx) => {
    const device = indiDevice(ctx);
    const { binning, pixel_scale_arcsec, timeout_s } = ctx.section;
    const camera = new IndiCamera(device, {
      clock: ctx.clock,
      log: ctx.log,
      binning,
      pixelScaleArcsec: pixel_scale_arcsec,
      timeoutMs: timeout_s * 1000,
    });
    return started(device, camera);
  },
  filter_wheel: async (ctx) => {
    const device = indiDevice(ctx);
    return started(device, new IndiFilterWheel(device, ctx.section.filters));
  },
  focuser: async (ctx) => {
    const device = indiDevice(ctx);
    return started(device, new IndiFocuser(device, ctx.log));
  },
  weather: async (ctx) => {
    const device = indiDevice(ctx);
    return started(device, new IndiWeather(device, ctx.clock));
  },
} satisfies { readonly [K in IndiInstrumentKind]: DeviceFactory<K> };
