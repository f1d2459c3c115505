// The analyzer, started for real with a task worker in its thread, and the analysis task, both
// fetching images from an observation manager played by a scripted peer that answers `Image data`
// from FITS files written here.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { AnalyzerAgent } from '../../../src/observatory/agents/analyzer-agent.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { CameraSim } from '../../../src/observatory/devices/camera-sim.js';
import { decodeFits } from '../../../src/observatory/images/fits-reader.js';
import { writeFits } from '../../../src/observatory/images/fits-writer.js';
import { analyzeImage } from '../../../src/observatory/images/image-analysis.js';
import { fetchImage } from '../../../src/observatory/images/image-fetch.js';
import { Msg } from '../../../src/observatory/messages.js';
import { analyzeImageTask } from '../../../src/observatory/tasks/analyze-image.js';
import { Sender } from '../../../src/sender/sender.js';
import type { TaskContext } from '../../../src/tasks/task-context.js';
import { observatoryConfig, type TempObservatory, tempObservatory } from '../observatory-fixture.js';
import { type Peer, startPeer } from './peers.js';

const T = Date.parse('2026-11-29T20:00:00Z');
/** The Pleiades: plenty of stars. */
const M45 = { raDeg: 56.75, decDeg: 24.12 };

/** The observation manager's `Image data`, served from `files` (image id → path) as it would. */
function imageDataScript(files: Record<number, string>): string {
  return `const fs = process.getBuiltinModule('node:fs');
    const path = ${JSON.stringify(files)}[payload.imageId];
    if (path === undefined) throw new Error('no image ' + payload.imageId);
    const bytes = fs.readFileSync(path);
    const offset = payload.offset ?? 0;
    const piece = bytes.subarray(offset, offset + (payload.length ?? 393216));
    return { imageId: payload.imageId, size: bytes.length, offset, data: piece.toString('base64') };`;
}

describe('the analyzer and its task', () => {
  let obs: TempObservatory | undefined;
  let agents: AnalyzerAgent[] = [];
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

  /** The world at T (600x): images of M45 of `size` pixels written as FITS (ids 1…), the peer serving them. */
  async function world(sizes: number[], ini = '') {
    const clock = new SimClock(T, 600);
    obs = tempObservatory(ini, clock);
    await observatoryConfig(obs, ['analyzer', 'observation_manager']);
    const folder = join(obs.dir, 'om-images');
    mkdirSync(folder, { recursive: true });
    const files: Record<number, string> = {};
    for (const [i, size] of sizes.entries()) {
      const camera = new CameraSim({ clock, width: size, height: size, readoutS: 0 });
      const frame = await camera.expose({ exposureS: 60, target: M45, filter: 'R', objectName: 'M45' });
      const path = join(folder, `${i + 1}-M45-R.fits`);
      await writeFits(path, frame, {
        dateObs: frame.startedAt,
        exposureS: 60,
        target: M45,
        filter: 'R',
        objectName: 'M45',
        telescope: 'pyros-sim',
        instrument: camera.name,
      });
      files[i + 1] = path;
    }
    const om = await startPeer('observation_manager', { 'Image data': imageDataScript(files) });
    peers.push(om);
    return { clock, om, files };
  }

  async function start(): Promise<AnalyzerAgent> {
    const agent = new AnalyzerAgent(obs?.ctx);
    agents.push(agent);
    await agent.start();
    return agent;
  }

  const newImage = (imageId: number) =>
    Sender.request('analyzer', Msg.NEW_IMAGE, {
      imageId,
      observationId: 1,
      object: 'M45',
      filter: 'R',
      dateObs: T,
    });

  async function analysisOf(imageId: number, state: 'done' | 'failed') {
    for (const until = Date.now() + 15_000; ; ) {
      const { analyses } = await Sender.request('analyzer', Msg.ANALYSES, { imageIds: [imageId] });
      const found = analyses.find((a) => a.imageId === imageId && a.state === state);
      if (found !== undefined) return found;
      if (Date.now() > until)
        throw new Error(`no ${state} analysis of image ${imageId}: ${JSON.stringify(analyses)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('a new image becomes one task; the analysis fetched through Image data is stored and shown', async () => {
    const { files, om } = await world([128]);
    await start();
    const first = await newImage(1);
    assert.equal(first.queued, true);
    assert.equal(first.taskId, `analyze:1@${new Date(T).toISOString()}`);
    assert.deepEqual(await newImage(1), { taskId: first.taskId, queued: false }, 'told twice: one task');
    const done = await analysisOf(1, 'done');
    const fits = decodeFits(readFileSync(files[1] as string), 'image 1');
    const expected = analyzeImage(fits.data, fits.width, fits.height);
    assert.ok(done.analysis !== null);
    assert.equal(done.analysis.background, expected.background);
    assert.equal(done.analysis.noise, expected.noise);
    assert.equal(done.analysis.sourceCount, expected.sources.length);
    assert.ok(done.analysis.sourceCount > 0, 'stars at the Pleiades');
    assert.ok(done.analysis.background > 0 && done.analysis.noise > 0);
    assert.deepEqual(done.analysis.sources, expected.sources.slice(0, 50));
    assert.equal(done.error, null);
    assert.ok(typeof done.analyzedAt === 'number' && done.analyzedAt >= T);
    await om.waitFor('Image data'); // fetched from the observation manager
    const tasks = await Sender.request('analyzer', Msg.TASKS, undefined);
    assert.equal(tasks.workers, 1);
    assert.equal(tasks.broker, `sqlite:${obs?.dataDir('analyzer')}/tasks.db`);
    assert.equal(tasks.counts.SUCCESS, 1);
    assert.deepEqual(await newImage(1), { taskId: first.taskId, queued: false }, 'still one task once done');
  });

  it('an image the observation manager does not have: the analysis fails with the reason', async () => {
    await world([]);
    await start();
    await newImage(7);
    const failed = await analysisOf(7, 'failed');
    assert.match(failed.error ?? '', /no image 7/);
    assert.equal(failed.analysis, null);
  });

  it('without workers of its own, the task waits in the queue: the analysis stays pending', async () => {
    await world([32], '[analyzer]\nworkers = 0\n');
    await start();
    await newImage(1);
    const { analyses } = await Sender.request('analyzer', Msg.ANALYSES, { imageIds: [1, 2] });
    assert.deepEqual(analyses, [
      { imageId: 1, state: 'pending', analysis: null, analyzedAt: null, error: null },
    ]);
    const tasks = await Sender.request('analyzer', Msg.TASKS, undefined);
    assert.equal(tasks.workers, 0);
    assert.equal(tasks.counts.PENDING, 1);
  });

  it('the task fetches a file of several pieces exactly, and gives the same result every time', async () => {
    // 512 × 512 16-bit pixels: more than one 384 KiB piece of `Image data`.
    const { files, om } = await world([512]);
    const bytes = await fetchImage(1);
    assert.ok(bytes.equals(readFileSync(files[1] as string)), 'the same bytes as the file');
    await om.waitFor('Image data', 2);
    assert.equal(om.all('Image data').length, 2);
    assert.deepEqual(
      om.all('Image data').map((r) => (r.payload as { offset: number }).offset),
      [0, 384 * 1024],
    );
    // The task's own function, as a worker runs it.
    const context: TaskContext = {
      taskId: 'analyze:1',
      name: analyzeImageTask.name,
      attempt: 1,
      signal: new AbortController().signal,
      updateProgress: async () => undefined,
    };
    const once = await analyzeImageTask.handler(1, context);
    const again = await analyzeImageTask.handler(1, context);
    assert.deepEqual(once, again);
    assert.equal((once as { imageId: number }).imageId, 1);
    await om.waitFor('Image data', 6);
    assert.equal(om.all('Image data').length, 6, 'two fetches more, of two pieces each');
  });
});
