// The observatory on INDI: a whole host (`pyros start` on the real clock) driving Debian's INDI
// simulators through indiserver, on a site where it is night now, whatever the time the test runs.
// A notice is accepted, the INDI mount slews to it, the INDI CCD's image is written as FITS with
// our header cards, and the analyzer measures it; what the test knows it asked of the agents, or
// of the INDI server as any other INDI client would.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Body, Equator, Observer } from 'astronomy-engine';
import pino from 'pino';
import { j2000ToDate } from '../../../src/observatory/astro/of-date.js';
import { separationDeg } from '../../../src/observatory/devices/sky.js';
import { readFits } from '../../../src/observatory/images/fits-reader.js';
import { Msg } from '../../../src/observatory/messages.js';
import { IndiClient } from '../../../src/transport/indi/indi-client.js';
import { tempDir } from '../../helpers.js';
import { IndiServer } from '../../transport/indi/indi-server.js';
import { fitsverify } from '../images/fitsverify.js';
import { swiftAlert, zenith } from './alert-samples.js';
import { midnightLongitude, OBSERVATORY_SIMULATORS } from './midnight-site.js';
import { ObservatoryHost } from './observatory-host.js';
import { publishVoEvent } from './vtp-publish.js';

const OM = 'observation_manager';
const LATITUDE = 30;

/**
 * A target high in the sky now, away from the Moon, and off the meridian: at an hour angle of 0
 * the 1.9.9 telescope simulator settles 0.06–0.09° from its target (its pier-side logic), which
 * our arrival check rightly calls a failed goto.
 */
function target(now: number, longitude: number): { ra: number; dec: number } {
  const z = zenith(now, LATITUDE, longitude);
  const moon = Equator(Body.Moon, new Date(now), new Observer(LATITUDE, longitude, 0), false, true);
  const moonAt = { raDeg: moon.ra * 15, decDeg: moon.dec };
  const candidates = [20, -20, 40].map((d) => ({ ra: (z.ra + d + 360) % 360, dec: z.dec }));
  return candidates.reduce((best, c) =>
    separationDeg({ raDeg: c.ra, decDeg: c.dec }, moonAt) >
    separationDeg({ raDeg: best.ra, decDeg: best.dec }, moonAt)
      ? c
      : best,
  );
}

describe('the observatory on INDI (real clock, INDI simulators)', { timeout: 480_000 }, () => {
  let server: IndiServer;
  let host: ObservatoryHost;
  let longitude: number;
  before(async () => {
    server = await IndiServer.start({
      drivers: OBSERVATORY_SIMULATORS,
    });
    const dir = tempDir('pyros-indi-site-');
    longitude = midnightLongitude(Date.now());
    const siteFile = join(dir, 'site.ini');
    writeFileSync(
      siteFile,
      `[site]\nname = midnight\nlatitude = ${LATITUDE}\nlongitude = ${longitude}\nheight_m = 100\nhorizon_limit_deg = 20\nsun_limit_deg = -12\nmoon_separation_deg = 15\n`,
    );
    const routine = join(dir, 'routine.json');
    writeFileSync(routine, '{ "requests": [] }\n');
    const indi = (device: string) => `indi://127.0.0.1:${server.port}/${device}`;
    host = await ObservatoryHost.create(
      [
        `[telescope]\ndriver = ${indi('Telescope Simulator')}\n`,
        `[dome]\ndriver = ${indi('Dome Simulator')}\nopen_s = 6\nclose_s = 6\n`,
        `[camera]\ndriver = ${indi('CCD Simulator')}\nreadout_s = 2\n`,
        `[filter_wheel]\ndriver = ${indi('Filter Simulator')}\nfilters = R, V, B\n`,
        `[focuser]\ndriver = ${indi('Focuser Simulator')}\nposition = 40000\nfilter_offsets = V:100\n`,
        `[weather]\ndriver = ${indi('Weather Simulator')}\n`,
        // The INDI weather simulator has no cloud or humidity sensor.
        '[monitoring]\nnot_measured = clouds, humidity\npoll_s = 5\ngood_after_s = 0\n',
      ].join('\n'),
      { siteFile, routineRequests: routine, observatory: 'field_of_view_deg = 1' },
    );
    const ini = join(host.dir, 'observatory.ini');
    writeFileSync(
      ini,
      readFileSync(ini, 'utf8').replace('[alert_manager]\n', '[alert_manager]\nexposures = R:1x1\n'),
    );
    await host.startRealClock();
  });
  after(async () => {
    await host?.stop();
    host?.dispose();
    await server?.stop();
  });

  it('has every INDI device up, and the weather station judged safe', async () => {
    await host.until(
      async () => {
        const d = await host.ask(OM, Msg.DEVICES, {});
        return d.links.every((l) => l.state === 'up') && d.safety.safe && d;
      },
      60_000,
      'every device up and safe',
    );
  });

  it('observes a notice: the INDI mount slews to it, the INDI CCD image is FITS with our cards, analysed', async () => {
    const now = Date.now();
    const t = target(now, longitude);
    const answer = await publishVoEvent(
      host.vtpPort,
      swiftAlert({ ivorn: 'ivo://test/indi#GRB-1', triggerId: '910001', ra: t.ra, dec: t.dec, time: now }),
    );
    assert.equal(answer, 'ack');
    const done = await host.until(
      async () => {
        const { observations } = await host.ask(OM, Msg.OBSERVATIONS, { limit: 10 });
        const o = observations.find((x) => x.requestId.startsWith('alert-'));
        if (o?.state === 'failed' || o?.state === 'aborted')
          throw new Error(
            `observation ${o.state}: ${o.reason}\n${host.tail(Number(process.env.E2E_TAIL ?? 40))}`,
          );
        return o?.state === 'done' && o;
      },
      150_000,
      'the alert observed',
    );
    assert.ok(done);
    // The mount, as another INDI client sees it: within 0.1° of the target of the date.
    const client = new IndiClient({ host: '127.0.0.1', port: server.port, log: pino({ level: 'silent' }) });
    client.start();
    try {
      const eod = await client.waitForVector('Telescope Simulator', 'EQUATORIAL_EOD_COORD', {
        timeoutMs: 10_000,
      });
      assert.equal(eod.type, 'Number');
      const ra = eod.type === 'Number' ? (eod.elements.get('RA')?.value ?? Number.NaN) : Number.NaN;
      const dec = eod.type === 'Number' ? (eod.elements.get('DEC')?.value ?? Number.NaN) : Number.NaN;
      const ofDate = j2000ToDate({ raDeg: t.ra, decDeg: t.dec }, Date.now());
      const off = separationDeg({ raDeg: ra * 15, decDeg: dec }, ofDate);
      assert.ok(off < 0.1, `the INDI mount points ${off.toFixed(3)}° from the target of date`);
    } finally {
      await client.close();
    }
    const { images } = await host.ask(OM, Msg.IMAGES, { limit: 10 });
    const image = images.find((i) => i.observationId === done.id);
    assert.ok(image !== undefined, 'its image is recorded');
    assert.match(fitsverify(image.path), /verification OK/);
    const fits = await readFits(image.path);
    assert.equal(fits.header.FILTER, 'R');
    assert.equal(fits.header.INSTRUME, 'CCD Simulator');
    assert.equal(fits.header.SITELAT, LATITUDE);
    assert.equal(fits.header.FOCUSPOS, 40000);
    assert.equal(typeof fits.header.OBSID, 'number');
    assert.ok(Math.abs(Number(fits.header.RA) - image.target.raDeg) < 1e-6);
    assert.ok(fits.width >= 100 && fits.height >= 100, `${fits.width}×${fits.height}`);
    const analysis = await host.until(
      async () => {
        const { analyses } = await host.ask('analyzer', Msg.ANALYSES, { imageIds: [image.id] });
        return analyses[0]?.state === 'done' && analyses[0];
      },
      60_000,
      'the image analysed',
    );
    assert.ok((analysis.analysis?.noise ?? 0) > 0, JSON.stringify(analysis.analysis));
  });

  it('indiserver killed mid-slew: the observation fails with the reason, the agents run on, and once INDI is back the alert is observed', async () => {
    const now = Date.now();
    const t = target(now, longitude);
    // Far from the last target, so that the slew lasts (the simulator: about 6°/s).
    const far = { ra: (t.ra + 40) % 360, dec: t.dec };
    const answer = await publishVoEvent(
      host.vtpPort,
      swiftAlert({
        ivorn: 'ivo://test/indi#GRB-2',
        triggerId: '910002',
        ra: far.ra,
        dec: far.dec,
        time: now,
      }),
    );
    assert.equal(answer, 'ack');
    const requestId = 'alert-swift-910002';
    await host.until(
      async () => {
        const d = await host.ask(OM, Msg.DEVICES, {});
        return d.observing?.block.requestId === requestId && d.telescope.status === 'slewing';
      },
      120_000,
      'the slew to the second alert',
    );
    await server.kill();
    const failed = await host.until(
      async () => {
        const { observations } = await host.ask(OM, Msg.OBSERVATIONS, { limit: 10 });
        return observations.find((o) => o.requestId === requestId && o.state === 'failed');
      },
      30_000,
      'the observation to fail',
    );
    assert.match(
      failed.reason ?? '',
      /telescope: .*(INDI server|disconnected|not connected|does not answer)/,
    );
    for (const agent of ['alert_manager', 'scheduler', 'majordome', OM, 'monitoring', 'analyzer']) {
      assert.notEqual(await host.status(agent), undefined, `${agent} still answers`);
    }
    const down = await host.ask(OM, Msg.DEVICES, {});
    assert.equal(down.safety.safe, false, 'a device that does not answer is unsafe');
    await server.restart();
    await host.until(
      async () => {
        const { observations } = await host.ask(OM, Msg.OBSERVATIONS, { limit: 10 });
        return observations.some((o) => o.requestId === requestId && o.state === 'done');
      },
      240_000,
      'the alert observed once INDI is back',
    );
  });
});
