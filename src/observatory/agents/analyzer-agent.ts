import { Agent } from '../../agent/agent.js';
import { defineApp } from '../../host/app.js';
import { createLogger } from '../../logging/logger.js';
import { AsyncResult } from '../../tasks/async-result.js';
import type { Broker } from '../../tasks/broker.js';
import { openBroker } from '../../tasks/brokers/broker-url.js';
import { TASK_STATES } from '../../tasks/task-record.js';
import { TaskWorker } from '../../tasks/task-worker.js';
import { Msg } from '../messages.js';
import type { ObservatoryContext } from '../observatory-context.js';
import { ANALYSES_SQL, AnalysesRepo } from '../store/analyses-repo.js';
import { analyzeImageTask } from '../tasks/analyze-image.js';
import { ObservatoryAgent } from './observatory-agent.js';
import { observatoryBrokerUrl, withoutCredentials } from './observatory-broker.js';

/** How often the results of pending analyses are looked for (real ms). */
const COLLECT_EVERY_MS = 500;

/**
 * Owns the analyses. Hands each new image to a task (`observatory.analyze_image`, queue
 * `analysis`), so that the analysis runs in task workers, never in an agent's message loop, and
 * on any computer; collects each result into its own store. Runs `workers` task workers in its
 * own thread (0: leave it to `pyros worker` processes). The broker is the configured one, else
 * `tasks.db` in its own data folder.
 */
export class AnalyzerAgent extends ObservatoryAgent {
  #workers: TaskWorker[] = [];
  #broker: Broker | undefined;
  readonly #analyses: AnalysesRepo;

  constructor(ctx?: ObservatoryContext) {
    super(Agent.ANALYZER, { version: 1, sql: ANALYSES_SQL }, ctx);
    this.#analyses = new AnalysesRepo(this.store.db);
    this.onMessage(Msg.NEW_IMAGE, async ({ imageId, dateObs }) => {
      // One id per image (its id and its time: an observation manager whose store was reset
      // numbers its images from 1 again): an enqueue repeated after a crash finds its task there.
      const taskId = `analyze:${imageId}@${new Date(dateObs).toISOString()}`;
      if (this.#analyses.taskOf(imageId) === taskId) return { taskId, queued: false };
      try {
        await analyzeImageTask.applyAsync([imageId], { taskId, broker: this.broker });
      } catch (err) {
        if ((await this.broker.get(taskId)) === undefined) throw err;
      }
      this.#analyses.set(imageId, taskId, this.ctx.clock.now());
      return { taskId, queued: true };
    });
    this.onMessage(Msg.ANALYSES, ({ imageIds }) => ({ analyses: this.#analyses.views(imageIds) }));
    this.onMessage(Msg.TASKS, async () => {
      const url = withoutCredentials(this.broker.url);
      const zero = Object.fromEntries(TASK_STATES.map((s) => [s, 0]));
      try {
        return {
          broker: url,
          workers: this.#workers.length,
          counts: { ...zero, ...(await this.broker.counts()) },
        };
      } catch (err) {
        return { broker: url, workers: this.#workers.length, counts: zero, error: (err as Error).message };
      }
    });
  }

  get broker(): Broker {
    if (this.#broker === undefined) throw new Error('the analyzer has not started');
    return this.#broker;
  }

  protected override async work(): Promise<void> {
    this.#broker = await openBroker(observatoryBrokerUrl(this.dataDir));
    const log = createLogger('analyzer-worker');
    for (let i = 0; i < this.ctx.settings.analyzer.workers; i++) {
      const worker = new TaskWorker({
        broker: this.broker,
        log,
        queues: ['analysis'],
        concurrency: 1,
        lockMs: 60_000,
      });
      worker.start();
      this.#workers.push(worker);
    }
    this.log.info(
      `analysis tasks go to ${withoutCredentials(this.broker.url)} (${this.#workers.length} worker(s) in this thread)`,
    );
    this.every(COLLECT_EVERY_MS * this.ctx.clock.speed, () => this.collect());
  }

  /** Reads the results of the pending analyses from the broker into the store. */
  async collect(): Promise<void> {
    for (const { imageId, taskId } of this.#analyses.pending()) {
      let record: Awaited<ReturnType<AsyncResult['refresh']>>;
      try {
        record = await new AsyncResult(taskId, this.broker).refresh();
      } catch {
        continue; // the broker is away for a moment, or the task not yet visible: next time
      }
      const now = this.ctx.clock.now();
      if (record.state === 'SUCCESS') {
        const r = record.result as { background: number; noise: number; sourceCount: number; sources: [] };
        this.#analyses.done(
          imageId,
          { background: r.background, noise: r.noise, sourceCount: r.sourceCount, sources: r.sources },
          now,
        );
      } else if (record.state === 'FAILURE' || record.state === 'REVOKED' || record.state === 'EXPIRED') {
        this.#analyses.failed(imageId, record.error?.message ?? record.state.toLowerCase(), now);
        this.log.warn(
          `analysis of image ${imageId} ${record.state.toLowerCase()}: ${record.error?.message ?? ''}`,
        );
      }
    }
  }

  protected override async shutdown(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.stop()));
    await this.#broker?.close();
    await super.shutdown();
  }
}

export default defineApp({
  name: Agent.ANALYZER,
  async ready() {
    await new AnalyzerAgent().start();
  },
});
