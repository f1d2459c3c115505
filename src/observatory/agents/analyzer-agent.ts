import { Agent } from '../../agent/agent.js';
import { defineApp } from '../../host/app.js';
import { createLogger } from '../../logging/logger.js';
import { TaskWorker } from '../../tasks/task-worker.js';
import { configureTasks, taskBroker } from '../../tasks/tasks-runtime.js';
import { Msg } from '../messages.js';
import type { ObservatoryContext } from '../observatory-context.js';
import { analyzeImageTask } from '../tasks/analyze-image.js';
import { ObservatoryAgent } from './observatory-agent.js';
import { observatoryBrokerUrl } from './observatory-broker.js';

/**
 * Hands each new image to a task (`observatory.analyze_image`, queue `analysis`), so that the
 * analysis runs in task workers, never in an agent's message loop. Runs `workers` task workers in
 * its own thread (0: leave it to `pyros worker` processes). The broker is the configured one, else
 * `tasks.db` in the observatory's data folder.
 */
export class AnalyzerAgent extends ObservatoryAgent {
  #workers: TaskWorker[] = [];

  constructor(ctx?: ObservatoryContext) {
    super(Agent.ANALYZER, ctx);
    this.actionsByMessage[Msg.NEW_IMAGE] = async (p: { imageId: number }) => {
      const result = await analyzeImageTask.applyAsync([p.imageId, this.ctx.settings.paths.database]);
      return { taskId: result.id };
    };
  }

  protected override async work(): Promise<void> {
    configureTasks({ broker: observatoryBrokerUrl(this.ctx.settings) });
    const broker = await taskBroker();
    const log = createLogger('analyzer-worker');
    for (let i = 0; i < this.ctx.settings.analyzer.workers; i++) {
      const worker = new TaskWorker({ broker, log, queues: ['analysis'], concurrency: 1, lockMs: 60_000 });
      worker.start();
      this.#workers.push(worker);
    }
    this.log.info(`analysis tasks go to ${broker.url} (${this.#workers.length} worker(s) in this thread)`);
  }

  protected override async shutdown(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.stop()));
    await super.shutdown();
  }
}

export default defineApp({
  name: Agent.ANALYZER,
  async ready() {
    await new AnalyzerAgent().start();
  },
});
