// The observation manager, started for real on a simulated clock (600x unless a test says: an
// observatory minute is 100 real ms) with its own simulated devices, and monitoring, the
// scheduler, the majordome and the analyzer played by scripted peers in their own threads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import pino from 'pino';
import type { ReplyOut } from '../../../src/agent/contract.js';
import { ObservationManagerAgent } from '../../../src/observatory/agents/observation-manager-agent.js';
import {
  type ObservatoryDevices,
  observatoryDevices,
} from '../../../src/observatory/agents/observatory-devices.js';
import { sunAltitudeDeg } from '../../../src/observatory/astro/positions.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { readFits } from '../../../src/observatory/images/fits-reader.js';
import { Msg } from '../../../src/observatory/messages.js';
import type { WeatherVerdict } from '../../../src/observatory/safety/weather-verdict.js';
import type { PlannedBlock } from '../../../src/observatory/scheduler/request.js';
import { AgentStore } from '../../../src/observatory/store/agent-store.js';
import { OBSERVATIONS_SQL, ObservationsRepo } from '../../../src/observatory/store/observations-repo.js';
import { InvalidPayloadError, RemoteError } from '../../../src/sender/errors.js';
import { Sender } from '../../../src/sender/sender.js';
import { waitFor } from '../../helpers.js';
import { fitsverify } from '../images/fitsverify.js';
import {
  iniSections,
  observatoryConfig,
  type TempObservatory,
  tempObservatory,
} from '../observatory-fixture.js';
import { type Peer, startPeer } from './peers.js';

const testLog = pino({ level: 'silent' });
const T = Date.parse('2026-11-29T20:00:00Z');
const OM = 'observation_manager';
/** Capella: high above Calern on this evening. */
const CAPELLA = { raDeg: 79.17, decDeg: 46.0 };

type Exposures = PlannedBlock['exposures'];
const THREE: Exposures = [
  { filter: 'R', exposureS: 30, count: 2 },
  { filter: 'V', exposureS: 30, count: 1 },
];
/** Long enough to be interrupted: an hour of exposures. */
const LONG: Exposures = [{ filter: 'R', exposureS: 600, count: 6 }];

function block(id: string, exposures: Exposures = THREE): PlannedBlock {
  return {
    id: `${id}@1`,
    requestId: id,
    kind: 'routine',
    targetName: 'Capella',
    target: CAPELLA,
    priority: 5,
    start: T,
    end: T + 3_600_000,
    altitudeDeg: 60,
    airmass: 1.15,
    exposures,
  };
}

function verdict(clock: SimClock, safe: boolean, validS = 36_000, reason?: string): WeatherVerdict {
  const now = clock.now();
  return {
    safe,
    reason: reason ?? (safe ? 'within limits' : 'wind 18.0 m/s > 15'),
    time: now,
    validUntil: now + validS * 1000,
    since: now,
    reading: null,
  };
}

/**
 * Monitoring's `Weather` script: a fresh verdict at every ask (the peer computes the time of
 * `clock` in its own thread), valid `validS`; `once`: the first ask only, then monitoring fails.
 */
function weatherScript(clock: SimClock, safe = true, validS = 36_000, once = false): string {
  return `${once ? "if (state.asked) throw new Error('monitoring stopped'); state.asked = true;" : ''}
    const now = ${clock.start} + (Date.now() - ${clock.anchor}) * ${clock.speed};
    return {
      reading: null,
      verdict: { safe: ${safe}, reason: ${JSON.stringify(safe ? 'within limits' : 'wind 18.0 m/s > 15')},
        time: now, validUntil: now + ${validS * 1000}, since: now, reading: null },
      limits: { maxWindMps: 15, maxCloudPct: 80, maxHumidityPct: 90, maxReadingAgeS: 300 },
    };`;
}
const SILENT = "throw new Error('monitoring is down');";

interface Ids {
  observationId: number;
  requestId: string;
  blockId: string;
  time: number;
}
type Failed = Ids & { reason: string; aborted: boolean };

describe('ObservationManagerAgent', () => {
  let obs: TempObservatory | undefined;
  let agents: ObservationManagerAgent[] = [];
  let peers: Peer[] = [];
  afterEach(async () => {
    for (const a of agents) {
      a.requestShutdown('test done');
      await a.stopped;
    }
    await Promise.all(peers.map((p) => p.stop()));
    agents = [];
    peers = [];
    obs?.dispose();
    obs = undefined;
  });

  /**
   * The observation manager's world: a temp observatory at `start` (`speed`x, `[observation_manager]`
   * keys from `om`), monitoring answering `weather` (a script body), the other peers recording.
   */
  async function world(
    options: {
      weather?: (clock: SimClock) => string;
      om?: Record<string, number>;
      speed?: number;
      start?: number;
    } = {},
  ) {
    const clock = new SimClock(options.start ?? T, options.speed ?? 600);
    const keys = { image_size: 32, settle_s: 1, readout_s: 1, change_s: 1, ...options.om };
    obs = tempObservatory(iniSections(keys), clock);
    await observatoryConfig(obs, [OM, 'monitoring', 'scheduler', 'majordome', 'analyzer']);
    const start = (name: string, replies: Record<string, string> = {}) =>
      startPeer(name, replies).then((p) => {
        peers.push(p);
        return p;
      });
    const monitoring = await start('monitoring', {
      Weather: (options.weather ?? ((c) => weatherScript(c)))(clock),
    });
    const scheduler = await start('scheduler');
    const majordome = await start('majordome');
    const analyzer = await start('analyzer', {
      'New image': "return { taskId: 'analyze:' + payload.imageId, queued: true };",
    });
    const devices = await observatoryDevices(obs.ctx, testLog);
    return { clock, monitoring, scheduler, majordome, analyzer, devices, ctx: obs.ctx };
  }

  async function start(devices: ObservatoryDevices): Promise<ObservationManagerAgent> {
    const agent = new ObservationManagerAgent(obs?.ctx, devices);
    agents.push(agent);
    await agent.start();
    return agent;
  }

  async function stop(agent: ObservationManagerAgent): Promise<void> {
    agent.requestShutdown('restart');
    await agent.stopped;
    agents = agents.filter((a) => a !== agent);
  }

  const observe = (b: PlannedBlock) => Sender.request(OM, Msg.START_OBSERVATION, { block: b });
  const devicesNow = () => Sender.request(OM, Msg.DEVICES, undefined);
  const tellVerdict = (v: WeatherVerdict) => Sender.request(OM, Msg.WEATHER_VERDICT, v);
  const failedOf = async (peer: Peer, count = 1) =>
    (await peer.waitFor(Msg.OBS_FAILED.name, count)).payload as Failed;

  /** The `Devices` answer once `ready` holds (queries are answered at once, even mid-motion). */
  async function devicesWhen(
    ready: (d: Awaited<ReturnType<typeof devicesNow>>) => boolean,
    what: string,
  ): Promise<Awaited<ReturnType<typeof devicesNow>>> {
    for (const until = Date.now() + 10_000; ; ) {
      const d = await devicesNow();
      if (ready(d)) return d;
      if (Date.now() > until) throw new Error(`never ${what}: ${JSON.stringify(d)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Waits until the telescope tracks the target of an observation (exposing). */
  const tracking = () =>
    devicesWhen((d) => d.telescope.status === 'tracking' && d.observing !== null, 'tracking');

  /** Waits until nothing runs, the dome is closed and the telescope parked. */
  const closedAndParked = () =>
    devicesWhen(
      (d) => d.dome === 'closed' && d.telescope.status === 'parked' && d.observing === null,
      'closed and parked',
    );

  it('refuses to start without a verdict, with an expired one, or with an unsafe one, and says why', async () => {
    const { clock, devices } = await world({ weather: () => SILENT });
    await start(devices);
    const refused = async (reason: RegExp) => {
      const err = await observe(block('a')).then(
        () => assert.fail('started while unsafe'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof RemoteError, String(err));
      assert.match(err.message, reason);
    };
    await refused(/refused: unsafe \(no weather verdict from monitoring\)$/);
    const now = clock.now();
    await tellVerdict({ ...verdict(clock, true), time: now - 400_000, validUntil: now - 220_000 });
    await refused(/refused: unsafe \(no word from monitoring for 4\d\d s: its verdict has expired\)$/);
    await tellVerdict(verdict(clock, false));
    await refused(/refused: unsafe \(wind 18\.0 m\/s > 15\)$/);
    const { observations } = await Sender.request(OM, Msg.OBSERVATIONS, {});
    assert.deepEqual(observations, []);
    await closedAndParked();
    assert.equal(devices.dome.state(), 'closed');
  });

  it('refuses a block of the wrong shape, naming the field', async () => {
    const { devices } = await world();
    await start(devices);
    const bad = { ...block('a'), target: { raDeg: 'ten', decDeg: 40 } } as unknown as PlannedBlock;
    await assert.rejects(
      observe(bad),
      (err: unknown) =>
        err instanceof InvalidPayloadError && /block\.target\.raDeg: .*expected number/.test(err.message),
    );
  });

  it('with a safe verdict: opens, slews, exposes each filter, writes valid FITS files, records and tells', async () => {
    const { scheduler, majordome, analyzer, devices } = await world();
    await start(devices);
    const { observationId } = await observe(block('r1'));
    const startedMsg = (await scheduler.waitFor(Msg.OBS_STARTED.name)).payload as Ids;
    assert.equal(startedMsg.observationId, observationId);
    assert.equal(startedMsg.requestId, 'r1');
    assert.equal(startedMsg.blockId, 'r1@1');
    const finished = (await scheduler.waitFor(Msg.OBS_FINISHED.name)).payload as Ids & { images: number };
    assert.equal(finished.observationId, observationId);
    assert.equal(finished.images, 3);
    assert.deepEqual((await majordome.waitFor(Msg.OBS_FINISHED.name)).payload, finished);
    assert.equal(majordome.all(Msg.OBS_STARTED.name).length, 0, 'the start is the scheduler’s news');
    await analyzer.waitFor(Msg.NEW_IMAGE.name, 3);

    const { images } = await Sender.request(OM, Msg.IMAGES, { limit: 10 });
    assert.deepEqual(
      images.map((i) => i.filter),
      ['V', 'R', 'R'],
      'newest first',
    );
    assert.deepEqual(
      analyzer.all(Msg.NEW_IMAGE.name).map((r) => r.payload),
      [...images].reverse().map((i) => ({
        imageId: i.id,
        observationId,
        object: 'Capella',
        filter: i.filter,
        dateObs: i.dateObs,
      })),
    );
    for (const image of images) {
      assert.equal(image.observationId, observationId);
      assert.ok(image.path.startsWith(join(obs?.dataDir(OM) ?? '', 'images', '2026-11-29')), image.path);
      const verdictText = fitsverify(image.path);
      assert.match(verdictText, /^verification OK/, verdictText);
      const fits = await readFits(image.path);
      assert.equal(fits.header.OBJECT, 'Capella');
      assert.equal(fits.header.EXPTIME, 30);
      assert.equal(fits.header.FILTER, image.filter);
      assert.equal(fits.width, 32);
      assert.equal(readFileSync(image.path).length, image.bytes);
    }
    const { observations } = await Sender.request(OM, Msg.OBSERVATIONS, {});
    assert.equal(observations.length, 1);
    assert.equal(observations[0]?.state, 'done');
    const d = await devicesNow();
    assert.equal(d.dome, 'open', 'left open for the next block');
    assert.equal(d.telescope.status, 'tracking');
    assert.equal(d.filter, 'V');
    assert.equal(d.observing, null);
    assert.equal(d.safety.safe, true);
  });

  it('Image data gives the exact FITS bytes in pieces; Images finds records by id', async () => {
    const { scheduler, devices } = await world();
    await start(devices);
    await observe(block('r1', [{ filter: 'R', exposureS: 10, count: 2 }]));
    await scheduler.waitFor(Msg.OBS_FINISHED.name);
    const { images } = await Sender.request(OM, Msg.IMAGES, {});
    const image = images[1];
    assert.ok(image !== undefined);
    const file = readFileSync(image.path);
    const pieces: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const piece: ReplyOut<typeof Msg.IMAGE_DATA> = await Sender.request(OM, Msg.IMAGE_DATA, {
        imageId: image.id,
        offset,
        length: 1000,
      });
      assert.equal(piece.imageId, image.id);
      assert.equal(piece.size, file.length);
      assert.equal(piece.offset, offset);
      const data = Buffer.from(piece.data, 'base64');
      if (data.length === 0) break;
      assert.ok(data.length <= 1000);
      pieces.push(data);
      offset += data.length;
    }
    assert.ok(pieces.length >= 5, `${pieces.length} pieces of ${file.length} bytes`);
    assert.ok(Buffer.concat(pieces).equals(file), 'the same bytes as the file');
    await assert.rejects(Sender.request(OM, Msg.IMAGE_DATA, { imageId: 999 }), /no image 999/);
    const byId = await Sender.request(OM, Msg.IMAGES, { ids: [image.id, 999] });
    assert.deepEqual(byId.images, [image]);
    const one = await Sender.request(OM, Msg.IMAGES, { limit: 1 });
    assert.deepEqual(one.images, [images[0]]);
  });

  it('an unsafe verdict during an observation stops it, closes the dome and parks, by itself', async () => {
    const { clock, scheduler, majordome, analyzer, devices } = await world();
    await start(devices);
    const { observationId } = await observe(block('r1', LONG));
    await tracking();
    await tellVerdict(verdict(clock, false));
    const failed = await failedOf(scheduler);
    assert.equal(failed.observationId, observationId);
    assert.equal(failed.aborted, true);
    assert.equal(failed.reason, 'unsafe: wind 18.0 m/s > 15');
    assert.deepEqual(await failedOf(majordome), failed);
    await closedAndParked();
    assert.equal(devices.dome.state(), 'closed');
    assert.equal(devices.telescope.status(), 'parked');
    const { observations } = await Sender.request(OM, Msg.OBSERVATIONS, { state: 'aborted' });
    assert.deepEqual(
      observations.map((o) => [o.id, o.reason]),
      [[observationId, 'unsafe: wind 18.0 m/s > 15']],
    );
    assert.equal(analyzer.all(Msg.NEW_IMAGE.name).length, 0, 'the first exposure never ended');
    assert.equal(scheduler.all(Msg.OBS_FINISHED.name).length, 0);
    await assert.rejects(observe(block('r2')), /refused: unsafe \(wind/);
  });

  it('monitoring silent: the verdict expires and it closes and parks by itself, within safety_check_s', async () => {
    // 60x: the 120 s verdict lasts two real seconds; a safety check every 10 s is 167 real ms.
    const { scheduler, devices } = await world({
      speed: 60,
      weather: (c) => weatherScript(c, true, 120, true),
      om: { open_s: 10, close_s: 10, slew_rate_deg_s: 30, safety_check_s: 10 },
    });
    await start(devices);
    await observe(block('r1', LONG));
    const failed = await failedOf(scheduler);
    assert.equal(failed.aborted, true);
    const silence = /^unsafe: no word from monitoring for (\d+) s: its verdict has expired$/.exec(
      failed.reason,
    );
    assert.ok(silence !== null, failed.reason);
    const silentS = Number(silence[1]);
    // Valid 120 s, checked every 10 s; 10 s more (167 real ms) for a loaded machine.
    assert.ok(silentS >= 120 && silentS <= 140, `closed after ${silentS} s of silence`);
    await closedAndParked();
    assert.equal(devices.dome.state(), 'closed');
    assert.equal(devices.telescope.status(), 'parked');
  });

  it('the Sun rising: the periodic check stops, closes and parks within safety_check_s, unasked', async () => {
    const { scheduler, devices, ctx } = await world({
      start: Date.parse('2026-11-30T05:20:00Z'),
      speed: 300,
    });
    // When the Sun crosses the limit (-12°) at Calern on this morning (to the second): about 05:37.
    let dawn = Date.parse('2026-11-30T05:30:00Z');
    while (sunAltitudeDeg(ctx.site, dawn) <= ctx.site.sunLimitDeg) dawn += 1000;
    await start(devices);
    await observe(block('late', LONG));
    const failed = await failedOf(scheduler);
    assert.match(failed.reason, /^unsafe: daylight: the Sun at -1[12]\.\d° is above the limit \(-12°\)$/);
    const lateS = (failed.time - dawn) / 1000;
    // A check every 10 s (33 real ms at 300x); the rest, up to 60 s (200 real ms), for a loaded machine.
    assert.ok(lateS > -1 && lateS <= 60, `stopped ${lateS} s after the Sun crossed the limit`);
    await closedAndParked();
  });

  it('the interlock closes a dome that is opening at once, rather than after it has opened', async () => {
    const { clock, scheduler, devices } = await world({ om: { open_s: 600, close_s: 600 } });
    await start(devices);
    await observe(block('r1'));
    await waitFor(() => devices.dome.state() === 'opening', 5000, 'the dome opening');
    const sent = clock.now();
    // The interlock closes in the background (the mailbox goes on serving meanwhile).
    await tellVerdict(verdict(clock, false));
    await waitFor(() => devices.dome.state() === 'closed', 10_000, 'the dome closed');
    const tookS = (clock.now() - sent) / 1000;
    await failedOf(scheduler);
    // Closing from a little open takes a little of the 600 s; opening fully first would take more.
    assert.ok(tookS < 600, `closed ${tookS} s after the unsafe verdict`);
    await closedAndParked();
  });

  it('Close dome stops the observation, closes and parks; with park false the telescope stays', async () => {
    const { scheduler, majordome, devices } = await world();
    await start(devices);
    const { observationId } = await observe(block('r1', LONG));
    await tracking();
    const closed = await Sender.request(OM, Msg.CLOSE_DOME, {
      reason: 'nothing left to observe',
      park: true,
    });
    assert.deepEqual(closed, { aborted: observationId, dome: 'closed', telescope: 'parked' });
    const failed = await failedOf(majordome);
    assert.deepEqual(
      { aborted: failed.aborted, reason: failed.reason },
      { aborted: true, reason: 'nothing left to observe' },
    );
    await failedOf(scheduler);
    await closedAndParked();

    await observe(block('r2', LONG));
    await tracking();
    const unparked = await Sender.request(OM, Msg.CLOSE_DOME, { reason: 'a cloud', park: false });
    assert.equal(unparked.dome, 'closed');
    assert.notEqual(unparked.telescope, 'parked');
    assert.notEqual(devices.telescope.status(), 'parked');
    // Nothing running, the dome closed: a Close dome parks and says there was nothing to stop.
    assert.deepEqual(await Sender.request(OM, Msg.CLOSE_DOME, undefined), {
      aborted: null,
      dome: 'closed',
      telescope: 'parked',
    });
  });

  it('Abort observation stops it once the devices are free; one observation at a time', async () => {
    const { scheduler, analyzer, devices } = await world();
    await start(devices);
    const { observationId } = await observe(block('r1', LONG));
    await assert.rejects(
      observe(block('r2')),
      new RegExp(`busy with observation ${observationId} \\(Capella\\)`),
    );
    const d = await devicesNow();
    assert.equal(d.observing?.observationId, observationId);
    assert.equal(d.observing?.block.id, 'r1@1');
    await tracking();
    const aborted = await Sender.request(OM, Msg.ABORT_OBSERVATION, { reason: 'preempted by alert grb' });
    assert.deepEqual(aborted, { aborted: observationId });
    assert.equal((await devicesNow()).observing, null, 'free once the reply came');
    const failed = await failedOf(scheduler);
    assert.deepEqual(
      { id: failed.observationId, aborted: failed.aborted, reason: failed.reason },
      { id: observationId, aborted: true, reason: 'preempted by alert grb' },
    );
    assert.equal(analyzer.all(Msg.NEW_IMAGE.name).length, 0);
    assert.equal(devices.dome.state(), 'open', 'an abort does not close: the next block needs the dome');
    assert.deepEqual(await Sender.request(OM, Msg.ABORT_OBSERVATION, undefined), { aborted: null });
    // Free: the next block starts at once.
    const next = await observe(block('r3'));
    assert.equal(next.observationId, observationId + 1);
  });

  it('SHUTDOWN stops, closes the dome and parks; what it had to tell is told after the restart', async () => {
    const { scheduler, devices } = await world();
    const agent = await start(devices);
    const { observationId } = await observe(block('r1', LONG));
    await tracking();
    assert.equal(devices.dome.state(), 'open');
    await stop(agent);
    assert.equal(devices.dome.state(), 'closed');
    assert.equal(devices.telescope.status(), 'parked');
    await start(await observatoryDevices(obs?.ctx as TempObservatory['ctx'], testLog));
    const failed = await failedOf(scheduler);
    assert.equal(failed.observationId, observationId);
    assert.equal(failed.reason, 'agent shutting down');
    assert.equal(failed.aborted, true);
    const { observations } = await Sender.request(OM, Msg.OBSERVATIONS, {});
    assert.equal(observations[0]?.state, 'aborted');
  });

  it('observations a killed host left running are reported as aborted on restart', async () => {
    const { scheduler, majordome, devices } = await world();
    // What a host killed mid-observation leaves in the store: an observation still running.
    const store = AgentStore.open(join(obs?.dataDir(OM) ?? '', `${OM}.db`), {
      version: 1,
      sql: OBSERVATIONS_SQL,
    });
    const id = new ObservationsRepo(store.db).start({
      requestId: 'r1',
      blockId: 'r1@1',
      targetName: 'Capella',
      startedAt: T - 60_000,
    });
    store.close();
    await start(devices);
    const failed = await failedOf(scheduler);
    assert.deepEqual(
      { ...failed, time: 0 },
      {
        observationId: id,
        requestId: 'r1',
        blockId: 'r1@1',
        time: 0,
        reason: 'interrupted: the observation manager stopped during the observation',
        aborted: true,
      },
    );
    assert.deepEqual(await failedOf(majordome), failed);
    const { observations } = await Sender.request(OM, Msg.OBSERVATIONS, { state: 'running' });
    assert.deepEqual(observations, []);
    const all = await Sender.request(OM, Msg.OBSERVATIONS, {});
    assert.equal(all.observations[0]?.state, 'aborted');
    const newest = all.observations[0]?.id ?? 0;
    const from = await Sender.request(OM, Msg.OBSERVATIONS, { fromId: newest });
    assert.deepEqual(from.observations, all.observations.slice(0, 1), 'fromId: from that id on');
    assert.deepEqual((await Sender.request(OM, Msg.OBSERVATIONS, { fromId: newest + 1 })).observations, []);
  });

  it('asks monitoring at start: a safe answer lets it observe at once', async () => {
    const { scheduler, devices } = await world({ weather: (c) => weatherScript(c, true, 600) });
    await start(devices);
    assert.equal((await devicesNow()).safety.safe, true);
    await observe(block('r1'));
    await scheduler.waitFor(Msg.OBS_FINISHED.name);
  });
});
