// The INDI instrument drivers (camera, filter wheel, focuser, weather station) against the real
// indiserver (Debian's indi-bin 1.9.9) and its simulators, one server for the whole file: the
// conformance suites, then what only INDI does: the CCD's own FITS and header cards, a BLOB over
// the client's limit, the weather simulator's missing sensors, a wrong device name, and
// indiserver killed mid-exposure and restarted on the same port.
process.env.PYROS_LOG_LEVEL ??= 'silent';

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RealClock } from '../../../src/observatory/clock/real-clock.js';
import type { Camera } from '../../../src/observatory/devices/camera.js';
import type { Device } from '../../../src/observatory/devices/device.js';
import { DeviceError } from '../../../src/observatory/devices/device-error.js';
import type { DriverContext } from '../../../src/observatory/devices/device-registry.js';
import type { FilterWheel } from '../../../src/observatory/devices/filter-wheel.js';
import type { Focuser } from '../../../src/observatory/devices/focuser.js';
import { IndiCamera } from '../../../src/observatory/devices/indi/indi-camera.js';
import { IndiDevice } from '../../../src/observatory/devices/indi/indi-device.js';
import {
  INDI_INSTRUMENT_DRIVERS,
  type IndiInstrumentKind,
} from '../../../src/observatory/devices/indi/indi-instrument-drivers.js';
import { IndiWeather } from '../../../src/observatory/devices/indi/indi-weather.js';
import type { WeatherStation } from '../../../src/observatory/devices/weather-station.js';
import { encodeFits } from '../../../src/observatory/images/fits-writer.js';
import {
  loadObservatorySettings,
  type ObservatorySettings,
} from '../../../src/observatory/settings/observatory-settings.js';
import { IndiClient } from '../../../src/transport/indi/indi-client.js';
import type { IndiRequestValues } from '../../../src/transport/indi/indi-commands.js';
import type { IndiVector } from '../../../src/transport/indi/indi-types.js';
import { recordingLog, tempDir, waitFor } from '../../helpers.js';
import { IndiServer } from '../../transport/indi/indi-server.js';
import type { DeviceHarness } from './conformance/harness.js';
import { nearPole, within } from './conformance/harness.js';
import {
  cameraConformance,
  filterWheelConformance,
  focuserConformance,
  weatherConformance,
} from './conformance/instrument-conformance.js';
import { calern } from './sites.js';

const CCD = 'CCD Simulator';
const WEATHER = 'Weather Simulator';
const DEVICES: Readonly<Record<IndiInstrumentKind, string>> = {
  camera: CCD,
  filter_wheel: 'Filter Simulator',
  focuser: 'Focuser Simulator',
  weather: WEATHER,
};
const REQUEST = { target: nearPole(), filter: 'R', objectName: 'indi test' };
const clock = new RealClock();
const { log } = recordingLog();

let server: IndiServer | undefined;
let settings: ObservatorySettings | undefined;

/**
 * Sets the simulators up as a test needs, through a client of our own (not the drivers'): each
 * `[device, vector, values]` in turn, once the vector is defined.
 */
async function set(...steps: [string, string, IndiRequestValues][]): Promise<void> {
  const c = new IndiClient({ host: '127.0.0.1', port: indi().port, log });
  c.start();
  try {
    for (const [device, name, values] of steps) {
      await c.waitForVector(device, name, { timeoutMs: 5000 });
      await c.request(device, name, values, { timeoutMs: 5000 });
    }
  } finally {
    await c.close();
  }
}

function indi(): IndiServer {
  assert.ok(server, 'the indiserver');
  return server;
}

before(async () => {
  server = await IndiServer.start({
    drivers: ['indi_simulator_ccd', 'indi_simulator_wheel', 'indi_simulator_focus', 'indi_simulator_weather'],
  });
  // The section of each kind, as observatory.ini gives it, on this server.
  const dir = tempDir('pyros-indi-instruments-');
  const ini = Object.entries(DEVICES)
    .map(
      ([kind, device]) => `[${kind}]\ndriver = indi://127.0.0.1:${server?.port}/${device}\ntimeout_s = 20\n`,
    )
    .join('\n');
  writeFileSync(join(dir, 'observatory.ini'), ini);
  settings = loadObservatorySettings(join(dir, 'observatory.ini'), {});
  // The focuser simulator sleeps DELAY_VALUE µs per step in its only thread (100: 10 s for the
  // whole range, unanswering meanwhile): 10 keeps a move of the suites within a second.
  await set([DEVICES.focuser, 'CONNECTION', ['CONNECT']], [DEVICES.focuser, 'DELAY', { DELAY_VALUE: 10 }]);
});
after(async () => {
  await server?.stop();
});

/** The registry's context for a kind, from the file's observatory.ini. */
function context<K extends IndiInstrumentKind>(kind: K, url?: string): DriverContext<K> {
  assert.ok(settings, 'the settings');
  const section = settings[kind] as DriverContext<K>['section'];
  const driver = url ?? (section as { driver: string }).driver;
  return { kind, url: new URL(driver), section, settings, clock, site: calern, log };
}

function harness<K extends IndiInstrumentKind, D extends Device>(
  kind: K,
  timeoutMs: number,
  open: (ctx: DriverContext<K>) => Promise<D>,
): DeviceHarness<D> {
  return {
    name: `INDI ${DEVICES[kind]}`,
    timeoutMs,
    open: async () => ({ device: await open(context(kind)), clock, site: calern }),
    close: (o) => o.device.disconnect(),
  };
}

const cameras = harness<'camera', Camera>('camera', 20_000, INDI_INSTRUMENT_DRIVERS.camera);

cameraConformance(cameras);
filterWheelConformance(
  harness<'filter_wheel', FilterWheel>('filter_wheel', 10_000, INDI_INSTRUMENT_DRIVERS.filter_wheel),
);
focuserConformance(harness<'focuser', Focuser>('focuser', 15_000, INDI_INSTRUMENT_DRIVERS.focuser));
weatherConformance(
  harness<'weather', WeatherStation>('weather', 15_000, INDI_INSTRUMENT_DRIVERS.weather),
  120_000,
);

describe('INDI instrument drivers', () => {
  test("the camera's frame is the CCD simulator's FITS, with the driver's own cards", async () => {
    // A focal length makes the pixel scale the camera's own: 206.265 × 5.2 µm / 1000 mm.
    await set([CCD, 'SCOPE_INFO', { FOCAL_LENGTH: 1000, APERTURE: 200 }]);
    const camera = await cameras.open();
    try {
      const frame = await within(10_000, 'exposure', camera.device.expose({ ...REQUEST, exposureS: 1 }));
      assert.equal(camera.device.name, CCD);
      assert.ok(frame.pixels instanceof Uint16Array, 'BITPIX 16 with BZERO 32768: whole ADU');
      assert.deepEqual([frame.width, frame.height], [1280, 1024]);
      assert.equal(frame.pixels.length, 1280 * 1024);
      assert.ok(Math.abs((frame.pixelScaleArcsec ?? 0) - (206.265 * 5.2) / 1000) < 1e-3);
      const card = (k: string) => frame.cards.find((c) => c.keyword === k);
      assert.equal(card('XBINNING')?.value, 1);
      assert.equal(card('PIXSIZE1')?.value, 5.2);
      assert.equal(typeof card('CCD-TEMP')?.value, 'number');
      assert.equal(card('CCD-TEMP')?.comment, 'CCD Temperature (Celsius)');
      assert.equal(card('ROWORDER')?.value, 'TOP-DOWN');
      // The observation manager writes these (and the structure) itself.
      for (const k of ['SIMPLE', 'BITPIX', 'NAXIS1', 'BZERO', 'INSTRUME', 'DATE-OBS', 'EXPTIME', 'COMMENT'])
        assert.equal(card(k), undefined, k);
      const header = { dateObs: frame.startedAt, exposureS: 1, target: REQUEST.target, filter: 'R' };
      const named = { ...header, objectName: 'x', telescope: 't', instrument: camera.device.name };
      assert.ok(encodeFits(frame, named, frame.cards).length > 1280 * 1024 * 2, 'writable back');
    } finally {
      await cameras.close(camera);
      await set([CCD, 'SCOPE_INFO', { FOCAL_LENGTH: 0, APERTURE: 0 }]);
    }
  });

  test('a BLOB over the limit rejects the exposure in one line; the next camera exposes', async () => {
    const ctx = context('camera');
    const address = { host: '127.0.0.1', port: indi().port, device: CCD };
    const small = new IndiDevice({
      name: 'camera',
      address,
      clock,
      site: calern,
      log,
      silenceMs: 30_000,
      timeoutMs: 20_000,
      limits: { maxBlobBytes: 1000 },
    });
    const camera = new IndiCamera(small, { clock, log, binning: 1, pixelScaleArcsec: 1, timeoutMs: 20_000 });
    await small.start(10_000);
    try {
      await assert.rejects(
        within(10_000, 'exposure', camera.expose({ ...REQUEST, exposureS: 1 })),
        (e: unknown) => {
          assert.ok(e instanceof DeviceError, String(e));
          assert.match(e.message, /^camera: BLOB CCD Simulator\.CCD1\.CCD1 .*over the limit of 1000 bytes/);
          assert.doesNotMatch(e.message, /\n/);
          return true;
        },
      );
      assert.equal(camera.status(), 'idle');
      assert.equal(camera.link().state, 'up');
    } finally {
      await camera.disconnect();
    }
    const next = await INDI_INSTRUMENT_DRIVERS.camera(ctx);
    try {
      const frame = await within(10_000, 'exposure', next.expose({ ...REQUEST, exposureS: 1 }));
      assert.equal(frame.width, 1280);
    } finally {
      await next.disconnect();
    }
  });

  test('the weather simulator: no humidity nor clouds (null), its own units and alerts', async () => {
    const address = { host: '127.0.0.1', port: indi().port, device: WEATHER };
    const device = new IndiDevice({
      name: 'weather',
      address,
      clock,
      site: calern,
      log,
      silenceMs: 30_000,
      timeoutMs: 10_000,
    });
    const weather = new IndiWeather(device, clock);
    await device.start(10_000);
    try {
      const r = await weather.read();
      assert.equal(r.humidityPct, null);
      assert.equal(r.cloudCoverPct, null);
      for (const v of [r.temperatureC, r.windSpeedMps, r.rainMmPerH])
        assert.ok(Number.isFinite(v), String(v));
      assert.ok(clock.now() - r.time < 5000, 'fresh: refreshed on the first read');
      // 54 km/h of wind and 5 mm of rain, in effect at the refresh the test asks for.
      await set(
        [WEATHER, 'WEATHER_CONTROL', { Wind: 54, Precip: 5 }],
        [WEATHER, 'WEATHER_REFRESH', ['REFRESH']],
      );
      const rain = (v: IndiVector) => v.type === 'Number' && v.elements.get('WEATHER_RAIN_HOUR')?.value === 5;
      await device.client.waitFor(WEATHER, 'WEATHER_PARAMETERS', rain, { timeoutMs: 5000 });
      await device.client.waitFor(WEATHER, 'WEATHER_STATUS', (v) => v.state === 'Alert', { timeoutMs: 5000 });
      const wet = await weather.read();
      assert.equal(wet.rainMmPerH, 5);
      assert.ok(Math.abs((wet.windSpeedMps ?? 0) - 15) < 1e-9, `${wet.windSpeedMps} m/s`);
      assert.equal(wet.sky, 'rain');
      assert.deepEqual([...(wet.stationAlerts ?? [])].sort(), [
        'WEATHER_RAIN_HOUR Alert',
        'WEATHER_WIND_SPEED Alert',
      ]);
    } finally {
      await weather.disconnect();
      await set(
        [WEATHER, 'WEATHER_CONTROL', { Wind: 0, Precip: 0 }],
        [WEATHER, 'WEATHER_REFRESH', ['REFRESH']],
      );
    }
  });

  test('a device the server lacks rejects in one line naming those it has', async () => {
    const url = `indi://127.0.0.1:${indi().port}/No Such Device`;
    await assert.rejects(INDI_INSTRUMENT_DRIVERS.focuser(context('focuser', url)), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.doesNotMatch(e.message, /\n/);
      assert.match(e.message, /no device "No Such Device" on the INDI server 127\.0\.0\.1:\d+/);
      for (const d of Object.values(DEVICES)) assert.ok(e.message.includes(`"${d}"`), `${d} in ${e.message}`);
      return true;
    });
  });

  test('indiserver killed mid-exposure: rejects at once, down; restarted: up, and exposes', async () => {
    const camera = await INDI_INSTRUMENT_DRIVERS.camera(context('camera'));
    try {
      const exposing = camera.expose({ ...REQUEST, exposureS: 30 });
      exposing.catch(() => undefined);
      await waitFor(() => camera.status() === 'exposing', 5000, 'the exposure to start');
      const killedAt = Date.now();
      await indi().kill();
      await assert.rejects(
        within(2000, 'the exposure to fail', exposing),
        /camera: the link went down mid-exposure: INDI server/,
      );
      assert.ok(Date.now() - killedAt < 2000);
      await waitFor(() => camera.link().state === 'down', 2000, 'the link to go down');
      assert.equal(camera.status(), 'idle');
      await indi().restart();
      await waitFor(() => camera.link().state === 'up', 20_000, 'the link to come back');
      const frame = await within(
        10_000,
        'exposure after the restart',
        camera.expose({ ...REQUEST, exposureS: 1 }),
      );
      assert.equal(frame.width, 1280);
    } finally {
      await camera.disconnect();
    }
  });
});
