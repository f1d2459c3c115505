import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { createLogger } from '../../logging/logger.js';
import { tasksBrokerUrl } from '../../observatory/agents/observatory-broker.js';
import { openBroker } from '../../tasks/brokers/broker-url.js';
import { registeredTaskNames } from '../../tasks/define-task.js';
import { periodicCount, startBeat } from '../../tasks/periodic.js';
import { TaskWorker } from '../../tasks/task-worker.js';
import { applyObservatoryOptions, observatoryOptions } from '../observatory-options.js';
import { positiveInt, UsageError } from '../run-cli.js';
import { BROKER_HELP } from './tasks.js';

export function registerWorker(program: Command): void {
  const worker = program
    .command('worker')
    .description(
      'run tasks from the broker in this process; SIGTERM/SIGINT let running tasks finish (--grace), then exit 0',
    )
    .requiredOption('--tasks <module>', 'module that defines the tasks (defineTask), e.g. ./tasks.js')
    .option('-b, --broker <url>', BROKER_HELP)
    .option('--concurrency <n>', 'tasks run at once', '4')
    .option('--queues <names>', 'comma-separated queues to take tasks from', 'default')
    .option('--grace <ms>', 'how long running tasks get to finish on SIGTERM', '10000')
    .option(
      '--lock <ms>',
      "a task's lock: if this worker dies, another runs its tasks again after this",
      '30000',
    )
    .option('--keep <s>', 'how long finished tasks (results) are kept', '86400');
  observatoryOptions(worker).action(
    async (opts: {
      tasks: string;
      broker?: string;
      concurrency: string;
      queues: string;
      grace: string;
      lock: string;
      keep: string;
      config?: string;
      observatory?: string;
      dataDir?: string;
    }) => {
      // A SIGTERM while the worker is still starting (e.g. a supervisor stopping it at once) is
      // kept and honoured once it has started, rather than killing the process half set up.
      let early: string | undefined;
      const keep = (signal: string) => {
        early ??= signal;
      };
      process.on('SIGINT', keep);
      process.on('SIGTERM', keep);
      applyObservatoryOptions(opts);
      const concurrency = positiveInt('--concurrency', opts.concurrency);
      const grace = positiveInt('--grace', opts.grace, true);
      const lockMs = positiveInt('--lock', opts.lock);
      const resultTtlMs = positiveInt('--keep', opts.keep, true) * 1000;
      const queues = opts.queues
        .split(',')
        .map((q) => q.trim())
        .filter((q) => q.length > 0);
      if (queues.length === 0) throw new UsageError('--queues: no queue named');
      const log = createLogger('worker');
      const url = tasksBrokerUrl(opts.broker);
      process.env.PYROS_BROKER = url; // tasks that enqueue other tasks use the same broker
      const broker = await openBroker(url);
      try {
        await import(pathToFileURL(resolve(opts.tasks)).href);
      } catch (err) {
        await broker.close();
        throw new Error(`--tasks ${opts.tasks}: ${(err as Error).message}`);
      }
      const names = registeredTaskNames();
      if (names.length === 0) throw new Error(`--tasks ${opts.tasks} defines no task (defineTask)`);
      log.info(`tasks: ${names.join(', ')}; broker ${url}`);
      const taskWorker = new TaskWorker({ broker, log, concurrency, queues, lockMs, resultTtlMs });
      taskWorker.start();
      const stopBeat = periodicCount() > 0 ? startBeat(broker, log) : async () => {};
      await new Promise<void>((done) => {
        const stop = (signal: string) => {
          log.info(`${signal}: finishing running tasks`);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void Promise.all([stopBeat(), taskWorker.stop(grace)]).then(() => done());
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        process.off('SIGINT', keep);
        process.off('SIGTERM', keep);
        if (early !== undefined) stop(early);
      });
      await broker.close();
      log.info(`stopped: ${JSON.stringify(taskWorker.counts)}`);
    },
  );
}
