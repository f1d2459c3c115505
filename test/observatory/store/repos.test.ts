// An agent's own store: its key/value table, transactions, schema versions, and the repositories
// of the observation manager (observations, images), the analyzer (analyses), monitoring
// (weather) and every agent (the outbox).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { WeatherReading } from '../../../src/observatory/devices/weather-station.js';
import { AgentStore } from '../../../src/observatory/store/agent-store.js';
import { ANALYSES_SQL, AnalysesRepo } from '../../../src/observatory/store/analyses-repo.js';
import { OBSERVATIONS_SQL, ObservationsRepo } from '../../../src/observatory/store/observations-repo.js';
import { WEATHER_SQL, WeatherRepo } from '../../../src/observatory/store/weather-repo.js';
import { tempDir } from '../../helpers.js';

const T = Date.parse('2026-11-29T20:00:00Z');

describe('an agent store', () => {
  let dir: string;
  const opened: AgentStore[] = [];
  beforeEach(() => {
    dir = tempDir('pyros-store-');
  });
  afterEach(() => {
    for (const s of opened.splice(0)) s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function open(name = 'agent', schema?: { version: number; sql: string }): AgentStore {
    const store = AgentStore.open(join(dir, name, `${name}.db`), schema);
    opened.push(store);
    return store;
  }

  describe('the store itself', () => {
    it('creates its folder, keeps small values, and keeps them across reopening', () => {
      const store = open();
      assert.equal(store.get('paused'), undefined);
      store.set('paused', '{"reason":"focus"}');
      store.set('paused', '{"reason":"clouds"}');
      store.set('version', '3');
      store.delete('version');
      store.close();
      const again = open();
      assert.equal(again.get('paused'), '{"reason":"clouds"}');
      assert.equal(again.get('version'), undefined);
    });

    it('a transaction commits a change and its outbox message together, or neither', () => {
      const store = open();
      store.transaction(() => {
        store.set('plan', '1');
        store.outbox.post('majordome', 'Plan updated', { version: 1 }, T);
      });
      assert.throws(
        () =>
          store.transaction(() => {
            store.set('plan', '2');
            store.outbox.post('majordome', 'Plan updated', { version: 2 }, T);
            throw new Error('the planner failed');
          }),
        /the planner failed/,
      );
      assert.equal(store.get('plan'), '1');
      assert.equal(store.outbox.size(), 1);
      assert.deepEqual(store.outbox.next('majordome')?.payload, { version: 1 });
    });

    it('a transaction returns what its function returns', () => {
      const store = open();
      assert.equal(
        store.transaction(() => 42),
        42,
      );
    });

    it('refuses a file written by a newer schema, naming the file', () => {
      const store = open('agent', { version: 2, sql: 'CREATE TABLE IF NOT EXISTS x (a INTEGER);' });
      store.close();
      const path = join(dir, 'agent', 'agent.db');
      assert.throws(
        () => AgentStore.open(path, { version: 1, sql: '' }),
        (err: Error) =>
          err.message === `cannot open the store "${path}": schema version 2 is newer than this pyros-ts (1)`,
      );
    });

    it('close is idempotent', () => {
      const store = open();
      store.close();
      store.close();
    });
  });

  describe('observations and images', () => {
    function repo(store = open('observation_manager', { version: 1, sql: OBSERVATIONS_SQL })) {
      return new ObservationsRepo(store.db);
    }
    const image = (observationId: number, filter: string, dateObs: number) => ({
      observationId,
      path: `/data/images/2026-11-29/${observationId}-M31-${filter}.fits`,
      object: 'M31',
      filter,
      exposureS: 60,
      dateObs,
      target: { raDeg: 10.68, decDeg: 41.27 },
      bytes: 8640,
    });

    it('records an observation running, then how it ended, once', () => {
      const observations = repo();
      const id = observations.start({ requestId: 'a', blockId: 'a@1', targetName: 'M31', startedAt: T });
      assert.deepEqual(observations.get(id), {
        id,
        requestId: 'a',
        blockId: 'a@1',
        targetName: 'M31',
        startedAt: T,
        state: 'running',
      });
      assert.deepEqual(
        observations.inState('running').map((o) => o.id),
        [id],
      );
      observations.end(id, 'done', T + 200);
      observations.end(id, 'failed', T + 300, 'too late: already ended');
      assert.deepEqual(observations.get(id), {
        id,
        requestId: 'a',
        blockId: 'a@1',
        targetName: 'M31',
        startedAt: T,
        endedAt: T + 200,
        state: 'done',
      });
      assert.deepEqual(observations.inState('running'), []);
      assert.equal(observations.get(id + 1), undefined);
    });

    it('keeps the reason of a failure, and lists observations newest first, by state', () => {
      const observations = repo();
      const ids = ['a', 'b', 'c'].map((r, i) =>
        observations.start({ requestId: r, blockId: `${r}@1`, targetName: r, startedAt: T + i }),
      );
      const [a, b, c] = ids as [number, number, number];
      observations.end(a, 'aborted', T + 10, 'preempted by alert grb');
      observations.end(b, 'failed', T + 20, 'camera: busy');
      assert.equal(observations.get(a)?.reason, 'preempted by alert grb');
      assert.deepEqual(
        observations.latest(10).map((o) => o.id),
        [c, b, a],
      );
      assert.deepEqual(
        observations.latest(2).map((o) => o.id),
        [c, b],
      );
      assert.deepEqual(
        observations.latest(10, 'failed').map((o) => o.reason),
        ['camera: busy'],
      );
      assert.deepEqual(
        observations.latest(10, undefined, b).map((o) => o.id),
        [c, b],
        'fromId: from that id on',
      );
      assert.deepEqual(observations.latest(10, 'aborted', b), []);
      assert.deepEqual(
        observations.all().map((o) => o.state),
        ['aborted', 'failed', 'running'],
      );
    });

    it('records images with their header values, newest first, and survives reopening the file', () => {
      const store = open('observation_manager', { version: 1, sql: OBSERVATIONS_SQL });
      const observations = repo(store);
      const id = observations.start({ requestId: 'a', blockId: 'a@1', targetName: 'M31', startedAt: T });
      const r = observations.addImage(image(id, 'R', T + 10));
      const v = observations.addImage(image(id, 'V', T + 80));
      assert.deepEqual(observations.image(r), { id: r, ...image(id, 'R', T + 10) });
      assert.equal(observations.image(v + 1), undefined);
      assert.deepEqual(
        observations.images().map((i) => i.filter),
        ['V', 'R'],
      );
      assert.deepEqual(
        observations.images(1).map((i) => i.id),
        [v],
      );
      store.close();
      const again = repo();
      assert.deepEqual(again.image(v), { id: v, ...image(id, 'V', T + 80) });
      assert.equal(again.get(id)?.state, 'running');
    });
  });

  describe('analyses', () => {
    const analysis = { background: 1000.5, noise: 5.2, sourceCount: 2, sources: [{ x: 1, y: 2, flux: 300 }] };

    it('records one task per image; an image id with another task is a new image, pending again', () => {
      const analyses = new AnalysesRepo(open('analyzer', { version: 1, sql: ANALYSES_SQL }).db);
      analyses.set(7, 'analyze:7@x', T);
      assert.equal(analyses.taskOf(7), 'analyze:7@x');
      assert.equal(analyses.taskOf(8), undefined);
      analyses.done(7, analysis, T + 1);
      analyses.set(7, 'analyze:7@y', T + 2);
      assert.equal(analyses.taskOf(7), 'analyze:7@y');
      assert.deepEqual(analyses.pending(), [{ imageId: 7, taskId: 'analyze:7@y' }]);
      assert.equal(analyses.views([7])[0]?.analysis, null);
    });

    it('keeps the analysis once done, the error once failed, and shows them by image', () => {
      const analyses = new AnalysesRepo(open('analyzer', { version: 1, sql: ANALYSES_SQL }).db);
      for (const id of [3, 1, 2]) analyses.set(id, `analyze:${id}`, T);
      analyses.done(1, analysis, T + 100);
      analyses.failed(2, 'no image 2', T + 200);
      assert.deepEqual(analyses.pending(), [{ imageId: 3, taskId: 'analyze:3' }]);
      assert.deepEqual(analyses.views([3, 2, 1, 99]), [
        { imageId: 1, state: 'done', analysis, analyzedAt: T + 100, error: null },
        { imageId: 2, state: 'failed', analysis: null, analyzedAt: T + 200, error: 'no image 2' },
        { imageId: 3, state: 'pending', analysis: null, analyzedAt: null, error: null },
      ]);
      assert.deepEqual(analyses.views([]), []);
    });
  });

  describe('weather readings', () => {
    const reading = (time: number, windSpeedMps = 3): WeatherReading => ({
      time,
      cloudCoverPct: 5,
      rainMmPerH: 0,
      windSpeedMps,
      humidityPct: 50,
      temperatureC: 10,
      sky: 'clear',
    });

    it('keeps each reading; the latest is the newest by time, across reopening', () => {
      const store = open('monitoring', { version: 1, sql: WEATHER_SQL });
      const weather = new WeatherRepo(store.db);
      assert.equal(weather.latest(), undefined);
      weather.record(reading(T + 60_000), true);
      weather.record(reading(T), true);
      weather.record(reading(T + 60_000, 18), false);
      assert.deepEqual(weather.latest(), reading(T + 60_000, 18));
      const rows = store.db.prepare('SELECT time, ok FROM weather ORDER BY time').all();
      assert.deepEqual(rows, [
        { time: T, ok: 1 },
        { time: T + 60_000, ok: 0 },
      ]);
      store.close();
      assert.deepEqual(
        new WeatherRepo(open('monitoring', { version: 1, sql: WEATHER_SQL }).db).latest(),
        reading(T + 60_000, 18),
      );
    });
  });

  describe('the outbox', () => {
    it('gives each recipient its messages in order, and forgets one once delivered', () => {
      const { outbox } = open();
      assert.deepEqual(outbox.recipients(), []);
      assert.equal(outbox.next('scheduler'), undefined);
      const a = outbox.post('scheduler', 'Observation started', { observationId: 1 }, T);
      outbox.post('majordome', 'Observation finished', { observationId: 1 }, T + 1);
      const b = outbox.post('scheduler', 'Observation finished', { observationId: 1 }, T + 1);
      assert.deepEqual(outbox.recipients(), ['majordome', 'scheduler']);
      assert.equal(outbox.size(), 3);
      assert.deepEqual(outbox.next('scheduler'), {
        id: a,
        recipient: 'scheduler',
        message: 'Observation started',
        payload: { observationId: 1 },
        createdAt: T,
        attempts: 0,
      });
      outbox.delivered(a);
      assert.equal(outbox.next('scheduler')?.id, b);
      outbox.delivered(b);
      assert.deepEqual(outbox.recipients(), ['majordome']);
      assert.equal(outbox.size(), 1);
    });

    it('counts failed attempts, and moves what is refused for good to the dead letters', () => {
      const store = open();
      const { outbox } = store;
      const id = outbox.post('scheduler', 'Observation started', { observationId: 1 }, T);
      outbox.attempted(id, 'ECONNREFUSED');
      outbox.attempted(id, 'ECONNREFUSED');
      assert.equal(outbox.next('scheduler')?.attempts, 2);
      const row = store.db.prepare('SELECT last_error FROM outbox WHERE id = ?').get(id);
      assert.deepEqual(row, { last_error: 'ECONNREFUSED' });
      outbox.dead(id, 'invalid payload for "Observation started": time: expected number', T + 5);
      assert.equal(outbox.size(), 0);
      assert.deepEqual(outbox.deadLetters(), [
        {
          id,
          recipient: 'scheduler',
          message: 'Observation started',
          payload: { observationId: 1 },
          createdAt: T,
          attempts: 0,
          error: 'invalid payload for "Observation started": time: expected number',
        },
      ]);
    });

    it('a newer message with the same key replaces an undelivered one, for the same recipient only', () => {
      const { outbox } = open();
      outbox.post('majordome', 'Plan updated', { version: 1 }, T, 'plan');
      outbox.post('dashboard', 'Plan updated', { version: 1 }, T, 'plan');
      outbox.post('majordome', 'Observation finished', { observationId: 1 }, T);
      outbox.post('majordome', 'Plan updated', { version: 2 }, T + 1, 'plan');
      const messages = (to: string) => {
        const seen: unknown[] = [];
        for (let e = outbox.next(to); e !== undefined; e = outbox.next(to)) {
          seen.push(e.payload);
          outbox.delivered(e.id);
        }
        return seen;
      };
      assert.deepEqual(messages('majordome'), [{ observationId: 1 }, { version: 2 }]);
      assert.deepEqual(messages('dashboard'), [{ version: 1 }]);
    });

    it('a keyed message replaces one already tried too (the recipient down): only the newest is said', () => {
      const { outbox } = open();
      const first = outbox.post('majordome', 'Plan updated', { version: 1 }, T, 'plan');
      outbox.attempted(first, 'ECONNREFUSED');
      outbox.post('majordome', 'Plan updated', { version: 2 }, T + 1, 'plan');
      outbox.post('majordome', 'Plan updated', { version: 3 }, T + 2, 'plan');
      assert.equal(outbox.size(), 1);
      assert.deepEqual(outbox.next('majordome')?.payload, { version: 3 });
      assert.equal(outbox.next('majordome')?.attempts, 0);
      // A delivery of the replaced one that was in flight meanwhile finds nothing to remove.
      outbox.delivered(first);
      outbox.attempted(first, 'late');
      assert.equal(outbox.size(), 1);
    });

    it('what was not delivered is still there after reopening the file', () => {
      const store = open();
      store.outbox.post('analyzer', 'New image', { imageId: 1 }, T);
      store.close();
      assert.deepEqual(open().outbox.next('analyzer')?.payload, { imageId: 1 });
    });
  });
});
