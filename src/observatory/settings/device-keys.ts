import { type KeySpec, num, str } from './ini-section.js';

/** A whole number of steps >= 0, or absent. */
function steps(): KeySpec<number | undefined> {
  return {
    absent: undefined,
    parse: (raw) => {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) throw new Error('expected a whole number of steps >= 0');
      return n;
    },
  };
}

/** `NAME, NAME…` (commas or spaces between them). */
function names(absent: string[]): KeySpec<string[]> {
  return {
    absent,
    parse: (raw) => {
      const list = raw.split(/[\s,]+/).filter((n) => n !== '');
      if (new Set(list).size !== list.length) throw new Error('a name is given twice');
      return list;
    },
  };
}

/** `FILTER:STEPS, …`: the focuser's offset for each filter, in steps. */
function offsets(): KeySpec<Record<string, number>> {
  return {
    absent: {},
    parse: (raw) => {
      const out: Record<string, number> = Object.create(null);
      for (const part of raw.split(',')) {
        const m = /^\s*([A-Za-z0-9_-]+)\s*:\s*(-?\d+)\s*$/.exec(part);
        if (m === null) throw new Error(`"${part.trim()}" is not FILTER:STEPS (e.g. V:120)`);
        out[m[1] as string] = Number(m[2]);
      }
      return out;
    },
  };
}

/**
 * Keys every device section has. `driver` is a URL the device registry resolves (`sim:`,
 * `indi://HOST:PORT/DEVICE`); `timeout_s` bounds one command; `silence_s` is how long a real
 * device may say nothing before it counts as down (a simulator never is).
 */
const common = (timeoutS: number) => ({
  driver: str('sim:'),
  timeout_s: num(timeoutS, 1),
  silence_s: num(30, 1),
});

/**
 * The device sections of observatory.ini. Speeds are the hardware's: the simulator models them
 * and the planner counts them as overheads, whatever the driver.
 */
export const DEVICE_SPEC = {
  telescope: {
    ...common(300),
    slew_rate_deg_s: num(3, 0.01),
    settle_s: num(5, 0),
    /** A real mount has arrived when its state is Ok and it points within this of the target. */
    arrive_within_deg: num(0.05, 0.0001, 5),
  },
  dome: { ...common(300), open_s: num(60, 0), close_s: num(60, 0) },
  camera: {
    ...common(120),
    readout_s: num(5, 0),
    /** The simulator's image width and height, pixels. */
    image_size: num(512, 16, 8192),
    pixel_scale_arcsec: num(1, 0.001),
    binning: num(1, 1, 16),
  },
  filter_wheel: {
    ...common(120),
    /**
     * The filters' names, in slot order: the simulator's (default L, R, V, B, Clear); a real wheel's
     * slots are given these names (INDI's FILTER_NAME), so the programme's names work on any
     * wheel. None: a real wheel's own names.
     */
    filters: names([]),
    change_s: num(3, 0),
  },
  focuser: {
    ...common(120),
    /** The focus, in steps, moved to before the first exposure of each filter (none: left alone). */
    position: steps(),
    /** Added to `position` for each filter, in steps. */
    filter_offsets: offsets(),
    max_position: num(100_000, 1),
    steps_per_s: num(5000, 1),
  },
  weather: { ...common(60) },
} as const;

/** The device sections. */
export type DeviceSection = keyof typeof DEVICE_SPEC;

/** The device sections, in the order the observatory builds them. */
export const DEVICE_SECTIONS = Object.keys(DEVICE_SPEC) as DeviceSection[];

/** Keys that used to be in `[observation_manager]`, and where they are now. */
export const MOVED_DEVICE_KEYS: Readonly<Record<string, string>> = {
  slew_rate_deg_s: '[telescope] slew_rate_deg_s',
  settle_s: '[telescope] settle_s',
  readout_s: '[camera] readout_s',
  image_size: '[camera] image_size',
  filter_change_s: '[filter_wheel] change_s',
  dome_open_s: '[dome] open_s',
  dome_close_s: '[dome] close_s',
};
