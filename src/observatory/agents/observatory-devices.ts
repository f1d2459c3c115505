import type { Logger } from '../../logging/logger.js';
import { openDevice } from '../devices/builtin-drivers.js';
import type { Camera } from '../devices/camera.js';
import type { DeviceKinds } from '../devices/device-registry.js';
import type { Dome } from '../devices/dome.js';
import type { FilterWheel } from '../devices/filter-wheel.js';
import type { Focuser } from '../devices/focuser.js';
import type { Telescope } from '../devices/telescope.js';
import type { ObservatoryContext } from '../observatory-context.js';
import type { DeviceSection } from '../settings/device-keys.js';

/** The devices the observation manager drives, each built from its section's `driver` URL. */
export interface ObservatoryDevices {
  readonly telescope: Telescope;
  readonly dome: Dome;
  readonly camera: Camera;
  readonly filterWheel: FilterWheel;
  readonly focuser: Focuser;
}

/** Builds one device of the observatory from its section (`[weather]`: the monitoring agent's). */
export async function deviceFor<K extends DeviceSection>(
  ctx: ObservatoryContext,
  kind: K,
  log: Logger,
): Promise<DeviceKinds[K]> {
  const { clock, site, settings } = ctx;
  return openDevice(kind, { clock, site, settings, log });
}

/**
 * The observation manager's devices. If one cannot be built, those already built are
 * disconnected and the error (one line naming the section) is thrown.
 */
export async function observatoryDevices(ctx: ObservatoryContext, log: Logger): Promise<ObservatoryDevices> {
  const built: { disconnect(): Promise<void> }[] = [];
  const keep = <T extends { disconnect(): Promise<void> }>(device: T): T => {
    built.push(device);
    return device;
  };
  try {
    return {
      telescope: keep(await deviceFor(ctx, 'telescope', log)),
      dome: keep(await deviceFor(ctx, 'dome', log)),
      camera: keep(await deviceFor(ctx, 'camera', log)),
      filterWheel: keep(await deviceFor(ctx, 'filter_wheel', log)),
      focuser: keep(await deviceFor(ctx, 'focuser', log)),
    };
  } catch (err) {
    await Promise.allSettled(built.map((d) => d.disconnect()));
    throw err;
  }
}

/** Disconnects every device (at SHUTDOWN, after the closing and parking). */
export async function disconnectDevices(devices: ObservatoryDevices): Promise<void> {
  await Promise.allSettled(
    Object.values(devices).map((d: { disconnect(): Promise<void> }) => d.disconnect()),
  );
}
