// What every telescope and dome driver must do, whatever the hardware: run against the
// simulators and against INDI's (test/observatory/devices/*-conformance.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeviceError } from '../../../../src/observatory/devices/device-error.js';
import type { Dome } from '../../../../src/observatory/devices/dome.js';
import { separationDeg } from '../../../../src/observatory/devices/sky.js';
import type { Telescope, TelescopeEvents } from '../../../../src/observatory/devices/telescope.js';
import { waitFor } from '../../../helpers.js';
import { type DeviceHarness, nearPole, neverUpAt, withDevice, within, zenithAt } from './harness.js';

/** The telescope conformance suite: slew and arrive, refuse below the limit, abort, stop, park. */
export function telescopeConformance(h: DeviceHarness<Telescope>): void {
  describe(`telescope conformance: ${h.name}`, () => {
    it('answers, slews to a target and arrives there, tracking', async () => {
      await withDevice(h, async ({ device }) => {
        assert.equal(device.link().state, 'up');
        const events: Array<keyof TelescopeEvents> = [];
        const offs = [
          device.on('slew-start', () => events.push('slew-start')),
          device.on('slew-end', (e) => {
            if (e.arrived) events.push('slew-end');
          }),
        ];
        const target = nearPole(device.pointing().raDeg < 180 ? 200 : 100);
        await within(h.timeoutMs, 'slew', device.slewTo(target));
        for (const off of offs) off();
        assert.equal(device.status(), 'tracking');
        const off = separationDeg(device.pointing(), target);
        assert.ok(off < 0.1, `points ${off.toFixed(3)}° from the target`);
        assert.deepEqual(events, ['slew-start', 'slew-end']);
      });
    });

    it('refuses a target below the horizon limit, and does not move', async () => {
      await withDevice(h, async ({ device, site }) => {
        const before = device.pointing();
        const err = await device.slewTo(neverUpAt(site)).then(
          () => assert.fail('slewed below the horizon'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof DeviceError, String(err));
        assert.match(err.message, /below horizon limit/);
        assert.notEqual(device.status(), 'slewing');
        assert.ok(separationDeg(device.pointing(), before) < 0.5, 'it did not move');
      });
    });

    it('an abort stops the slew promptly where it is; stop() ends one too', async () => {
      await withDevice(h, async ({ device, clock, site }) => {
        const controller = new AbortController();
        const started = new Promise<void>((resolve) => device.on('slew-start', () => resolve()));
        const far = zenithAt(site, clock.now());
        const slew = device.slewTo(far, controller.signal);
        slew.catch(() => undefined);
        await started;
        controller.abort(new Error('operator abort'));
        await assert.rejects(within(h.timeoutMs, 'aborted slew', slew), /operator abort/);
        await waitFor(() => device.status() !== 'slewing', h.timeoutMs, 'the mount to stop');
        assert.ok(separationDeg(device.pointing(), far) > 0.1, 'it stopped short of the target');
        const restarted = new Promise<void>((resolve) => device.on('slew-start', () => resolve()));
        const again = device.slewTo(far);
        again.catch(() => undefined);
        await restarted;
        device.stop();
        await assert.rejects(within(h.timeoutMs, 'stopped slew', again), DeviceError);
        await waitFor(() => device.status() !== 'slewing', h.timeoutMs, 'the mount to stop');
      });
    });

    it('parks, and says so', async () => {
      await withDevice(h, async ({ device }) => {
        await within(h.timeoutMs, 'park', device.park());
        assert.equal(device.status(), 'parked');
      });
    });
  });
}

/** The dome conformance suite: open, close, close while opening. */
export function domeConformance(h: DeviceHarness<Dome>): void {
  describe(`dome conformance: ${h.name}`, () => {
    it('answers, opens and closes, saying where its shutter is', async () => {
      await withDevice(h, async ({ device }) => {
        assert.equal(device.link().state, 'up');
        await within(h.timeoutMs, 'close', device.close());
        assert.equal(device.state(), 'closed');
        await within(h.timeoutMs, 'open', device.open());
        assert.equal(device.state(), 'open');
        await within(h.timeoutMs, 'close', device.close());
        assert.equal(device.state(), 'closed');
      });
    });

    it('a close interrupts an opening: the dome ends closed', async () => {
      await withDevice(h, async ({ device }) => {
        await within(h.timeoutMs, 'close', device.close());
        const opening = device.open();
        opening.catch(() => undefined);
        await within(h.timeoutMs, 'close', device.close());
        assert.equal(device.state(), 'closed');
        await opening.catch(() => undefined);
        assert.notEqual(device.state(), 'open');
      });
    });
  });
}
