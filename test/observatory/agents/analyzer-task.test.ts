import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createLogger } from '../../../src/logging/logger.js';
import { observatoryDevices } from '../../../src/observatory/agents/observatory-devices.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { writeFits } from '../../../src/observatory/images/fits-writer.js';
import { analyzeImageTask } from '../../../src/observatory/tasks/analyze-image.js';
import { SqliteBroker } from '../../../src/tasks/brokers/sqlite-broker.js';
import { TaskWorker } from '../../../src/tasks/task-worker.js';
import { tempObservatory } from '../observatory-fixture.js';

const T = Date.parse('2026-11-29T20:00:00Z');

describe('the analysis task', () => {
  const obs = tempObservatory('[observation_manager]\nimage_size = 256\n', new SimClock(T, 1000));
  after(() => obs.dispose());

  it('runs in a task worker and stores background, noise and sources with the image', async () => {
    const { ctx } = obs;
    const devices = await observatoryDevices(ctx);
    const frame = await devices.camera.expose({
      exposureS: 60,
      target: { raDeg: 56.75, decDeg: 24.12 },
      filter: 'R',
      objectName: 'M45',
    });
    const path = join(obs.dir, 'm45.fits');
    await writeFits(path, frame, frame.header);
    const observationId = ctx.observations.start({
      requestId: 'r',
      blockId: 'b',
      targetName: 'M45',
      startedAt: T,
    });
    const imageId = ctx.observations.addImage({
      observationId,
      path,
      object: 'M45',
      filter: 'R',
      exposureS: 60,
      dateObs: frame.header.dateObs,
      target: frame.header.target,
    });
    const broker = SqliteBroker.open(join(obs.dir, 'tasks.db'));
    const worker = new TaskWorker({ broker, log: createLogger('test-worker'), queues: ['analysis'] });
    worker.start();
    try {
      const result = await analyzeImageTask.applyAsync([imageId, ctx.settings.paths.database], { broker });
      const summary = await result.get({ timeout: 20_000 });
      assert.equal(summary.imageId, imageId);
      const stored = ctx.observations.image(imageId)?.analysis as {
        background: number;
        noise: number;
        sourceCount: number;
        sources: unknown[];
      };
      assert.ok(stored.background > 900, `background ${stored.background}`);
      assert.ok(stored.noise > 0);
      assert.ok(stored.sourceCount > 0, 'stars at the Pleiades');
      assert.equal(stored.sourceCount, summary.sourceCount);
      // A missing image is a task failure with the reason, not a crash.
      const missing = await analyzeImageTask.applyAsync([9999, ctx.settings.paths.database], {
        broker,
        retries: 0,
      });
      await assert.rejects(missing.get({ timeout: 20_000 }), /image 9999 is not in/);
    } finally {
      await worker.stop();
      await broker.close();
    }
  });
});
