// The mount and dome conformance suites against Debian's INDI simulators, through indiserver on
// a free port, in real time; then what only a real driver does: the site and time sent on
// connect, a wrong device name, the server killed mid-slew and back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { RealClock } from '../../../src/observatory/clock/real-clock.js';
import { IndiDevice } from '../../../src/observatory/devices/indi/indi-device.js';
import { IndiDome } from '../../../src/observatory/devices/indi/indi-dome.js';
import { IndiTelescope } from '../../../src/observatory/devices/indi/indi-telescope.js';
import { separationDeg } from '../../../src/observatory/devices/sky.js';
import { waitFor } from '../../helpers.js';
import { IndiServer } from '../../transport/indi/indi-server.js';
import type { DeviceHarness } from './conformance/harness.js';
import { nearPole, within, zenithAt } from './conformance/harness.js';
import { domeConformance, telescopeConformance } from './conformance/mount-conformance.js';
import { calern } from './sites.js';

const log = pino({ level: 'silent' });
const clock = new RealClock();
let server: IndiServer;

before(async () => {
  server = await IndiServer.start({ drivers: ['indi_simulator_telescope', 'indi_simulator_dome'] });
});
after(async () => {
  await server?.stop();
});

function device(name: string, deviceName: string, silenceMs = 10_000): IndiDevice {
  return new IndiDevice({
    name,
    address: { host: '127.0.0.1', port: server.port, device: deviceName },
    clock,
    site: calern,
    log,
    silenceMs,
    timeoutMs: 60_000,
  });
}

async function telescope(silenceMs?: number): Promise<IndiTelescope> {
  const d = device('telescope', 'Telescope Simulator', silenceMs);
  const t = new IndiTelescope(d, { clock, site: calern, arriveWithinDeg: 0.05, settleMs: 5000 });
  await d.start(10_000);
  return t;
}

const mounts: DeviceHarness<IndiTelescope> = {
  name: 'INDI Telescope Simulator',
  timeoutMs: 90_000,
  open: async () => ({ device: await telescope(), clock, site: calern }),
  close: (o) => o.device.disconnect(),
};
const domes: DeviceHarness<IndiDome> = {
  name: 'INDI Dome Simulator',
  timeoutMs: 60_000,
  async open() {
    const d = device('dome', 'Dome Simulator');
    const dome = new IndiDome(d);
    await d.start(10_000);
    return { device: dome, clock, site: calern };
  },
  close: (o) => o.device.disconnect(),
};

telescopeConformance(mounts);
domeConformance(domes);

describe('INDI telescope driver', () => {
  it('tells the mount the site and the time on connect', async () => {
    const t = await telescope();
    try {
      const probe = device('probe', 'Telescope Simulator');
      await probe.start(10_000);
      try {
        const lat = probe.number('GEOGRAPHIC_COORD', 'LAT');
        const long = probe.number('GEOGRAPHIC_COORD', 'LONG');
        assert.ok(Math.abs((lat ?? 0) - calern.latitudeDeg) < 1e-3, `LAT ${lat}`);
        assert.ok(Math.abs((long ?? 0) - calern.longitudeDeg) < 1e-3, `LONG ${long}`);
      } finally {
        await probe.disconnect();
      }
    } finally {
      await t.disconnect();
    }
  });

  it('slews in the coordinates of the date, and reads them back as J2000', async () => {
    const t = await telescope();
    try {
      const target = nearPole(300);
      await within(90_000, 'slew', t.slewTo(target));
      assert.ok(separationDeg(t.pointing(), target) < 0.05);
    } finally {
      await t.disconnect();
    }
  });

  it('a wrong device name is one line naming the devices the server has', async () => {
    const d = device('telescope', 'No Such Mount');
    await assert.rejects(d.start(5000), (e: Error) => {
      assert.match(
        e.message,
        /^no device "No Such Mount" on the INDI server 127\.0\.0\.1:\d+ \(it has: .*"Telescope Simulator"/,
      );
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  });

  it('indiserver killed mid-slew: the slew fails with the reason, the link goes down, then comes back', async () => {
    const t = await telescope(3000);
    try {
      const started = new Promise<void>((resolve) => t.on('slew-start', () => resolve()));
      const slew = t.slewTo(zenithAt(calern, clock.now()));
      slew.catch(() => undefined);
      await started;
      await server.kill();
      await assert.rejects(
        within(15_000, 'slew after the kill', slew),
        /telescope: .*(disconnected|not connected|closed)/,
      );
      await waitFor(() => t.link().state === 'down', 15_000, 'the link to go down');
      await assert.rejects(t.slewTo(nearPole()), /telescope: does not answer/);
      await server.restart();
      await waitFor(() => t.link().state === 'up', 30_000, 'the link to come back');
      await within(90_000, 'slew after the restart', t.slewTo(nearPole(10)));
      assert.equal(t.status(), 'tracking');
    } finally {
      await t.disconnect();
    }
  });
});
