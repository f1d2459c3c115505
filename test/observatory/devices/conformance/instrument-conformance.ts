// What every camera, filter wheel, focuser and weather station driver must do, whatever the
// hardware: run against the simulators and against INDI's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Camera } from '../../../../src/observatory/devices/camera.js';
import { DeviceError } from '../../../../src/observatory/devices/device-error.js';
import type { FilterWheel } from '../../../../src/observatory/devices/filter-wheel.js';
import type { Focuser } from '../../../../src/observatory/devices/focuser.js';
import type { WeatherStation } from '../../../../src/observatory/devices/weather-station.js';
import { waitFor } from '../../../helpers.js';
import { type DeviceHarness, nearPole, withDevice, within } from './harness.js';

const REQUEST = { target: nearPole(), filter: 'R', objectName: 'conformance' };

/** The camera suite: expose and read out, refuse when busy, abort promptly. */
export function cameraConformance(h: DeviceHarness<Camera>): void {
  describe(`camera conformance: ${h.name}`, () => {
    it('exposes, reads out and gives the frame with its start time; a busy camera refuses', async () => {
      await withDevice(h, async ({ device, clock }) => {
        assert.equal(device.link().state, 'up');
        const before = clock.now();
        const exposing = device.expose({ ...REQUEST, exposureS: 1 });
        await waitFor(() => device.status() !== 'idle', h.timeoutMs, 'the exposure to start');
        await assert.rejects(device.expose({ ...REQUEST, exposureS: 1 }), DeviceError);
        const frame = await within(h.timeoutMs, 'exposure', exposing);
        assert.equal(device.status(), 'idle');
        assert.ok(frame.width > 0 && frame.height > 0);
        assert.equal(frame.pixels.length, frame.width * frame.height);
        assert.equal(frame.exposureS, 1);
        assert.ok(
          frame.startedAt >= before - 1000 && frame.startedAt <= clock.now(),
          'started during the call',
        );
      });
    });

    it('an abort ends a long exposure promptly; the camera exposes again after', async () => {
      await withDevice(h, async ({ device }) => {
        const controller = new AbortController();
        const long = device.expose({ ...REQUEST, exposureS: 3600 }, controller.signal);
        long.catch(() => undefined);
        await waitFor(() => device.status() === 'exposing', h.timeoutMs, 'the exposure to start');
        controller.abort(new Error('operator abort'));
        await assert.rejects(within(h.timeoutMs, 'aborted exposure', long), /operator abort/);
        await waitFor(() => device.status() === 'idle', h.timeoutMs, 'the camera to be idle');
        const frame = await within(h.timeoutMs, 'next exposure', device.expose({ ...REQUEST, exposureS: 1 }));
        assert.equal(frame.exposureS, 1);
      });
    });
  });
}

/** The filter wheel suite: change filter; refuse one it does not hold. */
export function filterWheelConformance(h: DeviceHarness<FilterWheel>): void {
  describe(`filter wheel conformance: ${h.name}`, () => {
    it('puts each filter it holds in the beam; refuses one it does not hold', async () => {
      await withDevice(h, async ({ device }) => {
        assert.equal(device.link().state, 'up');
        const filters = device.filters();
        assert.ok(filters.length >= 2, `holds ${filters.join(', ')}`);
        for (const filter of [filters[1] as string, filters[0] as string]) {
          await within(h.timeoutMs, `change to ${filter}`, device.setFilter(filter));
          assert.equal(device.filter(), filter);
          assert.equal(device.status(), 'idle');
        }
        await assert.rejects(device.setFilter('no-such-filter'), (e: unknown) => {
          assert.ok(e instanceof DeviceError);
          assert.match(e.message, /unknown filter "no-such-filter"/);
          return true;
        });
        assert.equal(device.filter(), filters[0]);
      });
    });
  });
}

/** The focuser suite: move and arrive; refuse a position out of range; abort. */
export function focuserConformance(h: DeviceHarness<Focuser>): void {
  describe(`focuser conformance: ${h.name}`, () => {
    it('moves to a position and is there; refuses one out of range', async () => {
      await withDevice(h, async ({ device }) => {
        assert.equal(device.link().state, 'up');
        const max = device.maxPosition();
        const target = device.position() === Math.round(max / 3) ? Math.round(max / 4) : Math.round(max / 3);
        await within(h.timeoutMs, 'move', device.moveTo(target));
        assert.equal(device.position(), target);
        assert.equal(device.status(), 'idle');
        await assert.rejects(device.moveTo(max + 1), DeviceError);
        await assert.rejects(device.moveTo(-1), DeviceError);
        assert.equal(device.position(), target);
      });
    });

    it('an abort stops a move; the focuser moves again after', async () => {
      await withDevice(h, async ({ device }) => {
        const max = device.maxPosition();
        const far = device.position() > max / 2 ? 0 : max;
        const controller = new AbortController();
        const moving = device.moveTo(far, controller.signal);
        moving.catch(() => undefined);
        controller.abort(new Error('operator abort'));
        await assert.rejects(within(h.timeoutMs, 'aborted move', moving), /operator abort/);
        await waitFor(() => device.status() === 'idle', h.timeoutMs, 'the focuser to stop');
        const back = Math.round(max / 2);
        await within(h.timeoutMs, 'move', device.moveTo(back));
        assert.equal(device.position(), back);
      });
    });
  });
}

/** The weather station suite: a reading, with its time, fresh. */
export function weatherConformance(h: DeviceHarness<WeatherStation>, maxAgeMs: number): void {
  describe(`weather station conformance: ${h.name}`, () => {
    it('reads the weather: each value a number or null (not measured), taken recently', async () => {
      await withDevice(h, async ({ device, clock }) => {
        assert.equal(device.link().state, 'up');
        const r = await within(h.timeoutMs, 'read', device.read());
        const keys = ['cloudCoverPct', 'rainMmPerH', 'windSpeedMps', 'humidityPct', 'temperatureC'] as const;
        // A real station reports what it has sensors for (INDI's weather simulator has no humidity
        // and no cloud sensor): null says "not measured", which the policy counts as unsafe.
        for (const key of keys) assert.ok(r[key] === null || Number.isFinite(r[key]), `${key} = ${r[key]}`);
        const measured = keys.filter((key) => r[key] !== null);
        assert.ok(measured.length > 0, 'measures something');
        assert.ok(['clear', 'clouds', 'rain', 'wind'].includes(r.sky));
        const age = clock.now() - r.time;
        assert.ok(age >= -1000 && age <= maxAgeMs, `reading ${age} ms old`);
      });
    });
  });
}
