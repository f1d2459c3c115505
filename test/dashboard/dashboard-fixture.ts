// A temp observatory filled as a night in progress would leave it: requests, a plan, a running
// observation with one image on disk, an alert, a weather reading, messages, the host's app states.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertIntake } from '../../src/observatory/agents/alert-intake.js';
import { observatoryDevices } from '../../src/observatory/agents/observatory-devices.js';
import { SimClock } from '../../src/observatory/clock/sim-clock.js';
import { HOST_APPS_KEY, type HostAppState } from '../../src/observatory/host-apps.js';
import { writeFits } from '../../src/observatory/images/fits-writer.js';
import type { PlannedBlock } from '../../src/observatory/scheduler/request.js';
import { setSetting } from '../../src/observatory/store/observatory-db.js';
import { type TempObservatory, tempObservatory, VOEVENTS } from '../observatory/observatory-fixture.js';

/** The observatory clock's start: a November night at the shipped site (Calern), well after sunset. */
export const T = Date.parse('2026-11-29T20:00:00Z');
/** The simulated camera's image size in these tests (small: the PNG is made in the test). */
export const IMAGE_SIZE = 64;

const SWIFT = readFileSync(join(VOEVENTS, 'swift_bat_grb_pos_61_GRB120907A_observation.xml'), 'utf8');

function block(id: string, targetName: string, target: PlannedBlock['target'], start: number): PlannedBlock {
  return {
    id,
    requestId: id,
    kind: 'routine',
    targetName,
    target,
    priority: 5,
    start,
    end: start + 1_200_000,
    altitudeDeg: 50,
    airmass: 1.3,
  };
}

/** What the fixture put in, for the tests to compare with. */
export interface FilledObservatory extends TempObservatory {
  readonly blocks: readonly PlannedBlock[];
  readonly planVersion: number;
  readonly observationId: number;
  readonly imageId: number;
  readonly alertIvorn: string;
  readonly alertRequestId: string;
}

/** A temp observatory (clock at {@link T}, speed 1000) with a night's worth of records. */
export async function filledObservatory(ini = ''): Promise<FilledObservatory> {
  const obs = tempObservatory(
    `[observation_manager]\nimage_size = ${IMAGE_SIZE}\n${ini}`,
    new SimClock(T, 1000),
  );
  const { ctx } = obs;
  const blocks = [
    block('m45', 'M45', { raDeg: 56.75, decDeg: 24.12 }, T + 600_000),
    block('m42', 'M42', { raDeg: 83.82, decDeg: -5.39 }, T + 3_600_000),
    block('m45-again', 'M45', { raDeg: 56.75, decDeg: 24.12 }, T + 7_200_000),
  ];
  for (const b of blocks) {
    ctx.requests.insert(
      {
        id: b.requestId,
        kind: 'routine',
        targetName: b.targetName,
        target: b.target,
        priority: b.priority,
        exposures: [{ filter: 'R', exposureS: 10, count: 1 }],
        createdAt: T,
        state: 'scheduled',
      },
      T,
    );
  }
  const planVersion = ctx.plan.replace(blocks, T);

  const observationId = ctx.observations.start({
    requestId: 'm45',
    blockId: 'm45',
    targetName: 'M45',
    startedAt: T,
  });
  const devices = await observatoryDevices(ctx);
  const frame = await devices.camera.expose({
    exposureS: 10,
    target: { raDeg: 56.75, decDeg: 24.12 },
    filter: 'R',
    objectName: 'M45',
  });
  const path = join(obs.dir, 'm45.fits');
  await writeFits(path, frame, frame.header);
  const imageId = ctx.observations.addImage({
    observationId,
    path,
    object: 'M45',
    filter: 'R',
    exposureS: 10,
    dateObs: frame.header.dateObs,
    target: frame.header.target,
  });
  ctx.observations.setAnalysis(imageId, { background: 1000, noise: 10, sourceCount: 0, sources: [] }, T);

  const alert = new AlertIntake(ctx).ingest({ xml: SWIFT, source: 'dashboard', drill: true });
  if (alert.requestId === undefined) throw new Error(`fixture alert not accepted: ${alert.reason}`);

  const reading = {
    time: T,
    cloudCoverPct: 10,
    rainMmPerH: 0,
    windSpeedMps: 3,
    humidityPct: 50,
    temperatureC: 5,
    sky: 'clear',
  };
  ctx.db
    .prepare('INSERT INTO weather (time, reading, ok) VALUES (?, ?, ?)')
    .run(T, JSON.stringify(reading), 1);

  ctx.messages.record({ time: T, from: 'scheduler', to: 'majordome', message: 'Plan updated' });
  ctx.messages.record({
    time: T + 1,
    from: 'majordome',
    to: 'observation_manager',
    message: 'Start observation',
  });
  ctx.messages.record({ time: T + 2, from: 'majordome', to: 'scheduler', message: 'Replan' });
  ctx.messages.record({ time: T + 3, from: 'dashboard', to: 'majordome', message: 'Pause' });
  ctx.messages.flush();

  const apps: HostAppState[] = [
    { name: 'scheduler', state: 'restarting', restarts: 2, lastError: 'scheduler crashed: boom', since: 0 },
    { name: 'majordome', state: 'running', restarts: 0, lastError: null, since: 0 },
  ];
  setSetting(ctx.db, HOST_APPS_KEY, JSON.stringify(apps));

  return {
    ...obs,
    blocks,
    planVersion,
    observationId,
    imageId,
    alertIvorn: alert.ivorn,
    alertRequestId: alert.requestId,
  };
}

/** A folder standing in for the page (the real one is another part's), with its three files. */
export function tempPublicDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pyros-public-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>test page</title>\n');
  writeFileSync(join(dir, 'app.js'), 'console.log("test page");\n');
  writeFileSync(join(dir, 'style.css'), 'body { margin: 0; }\n');
  return dir;
}
