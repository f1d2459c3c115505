import type { Logger } from '../../logging/logger.js';
import type { Site } from '../astro/coordinates.js';
import type { Clock } from '../clock/clock.js';
import type { DEVICE_SPEC, DeviceSection } from '../settings/device-keys.js';
import type { SectionValues } from '../settings/ini-section.js';
import type { ObservatorySettings } from '../settings/observatory-settings.js';
import type { Camera } from './camera.js';
import type { Dome } from './dome.js';
import type { FilterWheel } from './filter-wheel.js';
import type { Focuser } from './focuser.js';
import type { Telescope } from './telescope.js';
import type { WeatherStation } from './weather-station.js';

/** The interface each device section is built as. */
export interface DeviceKinds {
  readonly telescope: Telescope;
  readonly dome: Dome;
  readonly camera: Camera;
  readonly filter_wheel: FilterWheel;
  readonly focuser: Focuser;
  readonly weather: WeatherStation;
}

/** What a driver is built from: its section's URL and keys, and the observatory's clock and site. */
export interface DriverContext<K extends DeviceSection = DeviceSection> {
  readonly kind: K;
  /** The section's `driver`, parsed. */
  readonly url: URL;
  /** The section's keys. */
  readonly section: SectionValues<(typeof DEVICE_SPEC)[K]>;
  readonly settings: ObservatorySettings;
  readonly clock: Clock;
  readonly site: Site;
  readonly log: Logger;
}

/** Builds one kind of device; rejects with one line (section, URL, what is wrong). */
export type DeviceFactory<K extends DeviceSection> = (ctx: DriverContext<K>) => Promise<DeviceKinds[K]>;

/** A driver family: one URL scheme and the device kinds it drives. */
export interface DriverFamily {
  /** With its colon: `sim:`, `indi:`. */
  readonly scheme: string;
  /** Throws one line if the URL is not of this family's form (checked at `pyros start`). */
  check?(url: URL, kind: DeviceSection): void;
  /** Real hardware runs in real time: a simulated clock faster than real time is refused with it. */
  readonly realTime?: boolean;
  readonly devices: { readonly [K in DeviceSection]?: DeviceFactory<K> };
}

const FAMILIES = new Map<string, DriverFamily>();

/** Adds a driver family: a new kind of hardware is this call, not an edit of the agents. */
export function registerDriverFamily(family: DriverFamily): void {
  FAMILIES.set(family.scheme, family);
}

/** The schemes known, for messages. */
export function driverSchemes(): string[] {
  return [...FAMILIES.keys()];
}

/**
 * The family and URL a section's `driver` names, checked; or an Error whose one line names the
 * URL and what is wrong (an unknown scheme lists the known ones).
 */
export function resolveDriver(kind: DeviceSection, raw: string): { family: DriverFamily; url: URL } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`"${raw}" is not a URL (known: ${driverSchemes().join(' ')})`);
  }
  const family = FAMILIES.get(url.protocol);
  if (family === undefined) {
    throw new Error(`"${raw}": unknown scheme "${url.protocol}" (known: ${driverSchemes().join(' ')})`);
  }
  if (family.devices[kind] === undefined) {
    const has = Object.keys(family.devices).join(', ');
    throw new Error(`"${raw}": ${family.scheme} drives no ${kind} (it drives ${has})`);
  }
  try {
    family.check?.(url, kind);
  } catch (err) {
    throw new Error(`"${raw}": ${(err as Error).message}`);
  }
  return { family, url };
}

/** Builds the device of one section from its `driver` URL. */
export async function openDevice<K extends DeviceSection>(
  kind: K,
  ctx: Omit<DriverContext<K>, 'kind' | 'url' | 'section'>,
): Promise<DeviceKinds[K]> {
  const section = ctx.settings[kind] as DriverContext<K>['section'];
  const driver = (section as { readonly driver: string }).driver;
  const { family, url } = resolveDriver(kind, driver);
  const factory = family.devices[kind] as DeviceFactory<K>;
  try {
    return await factory({ ...ctx, kind, url, section });
  } catch (err) {
    const message = (err as Error).message;
    throw new Error(message.startsWith(`[${kind}]`) ? message : `[${kind}] driver "${driver}": ${message}`);
  }
}
