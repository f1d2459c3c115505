// The BullMQ side of the tasks benchmark: one worker process running BullMQ's own Worker on the
// bench's Redis (no pyros-ts code). run.mjs starts 1 or 4 of these and reads "ready" from stdout.
//
//   node bench/tasks/bullmq-worker.mjs HOST PORT QUEUE CONCURRENCY
//
// Jobs: "add" returns a + b (the trivial task); "late" returns Date.now() - data.eta (ms late).
import { Worker } from 'bullmq';

const [host, port, queue, concurrency] = process.argv.slice(2);
const worker = new Worker(
  queue,
  async (job) => (job.name === 'late' ? Date.now() - job.data.eta : job.data.a + job.data.b),
  {
    connection: { host, port: Number(port), maxRetriesPerRequest: null },
    concurrency: Number(concurrency),
  },
);
worker.on('error', (err) => process.stderr.write(`bullmq worker: ${err.message}\n`));
await worker.waitUntilReady();
process.stdout.write('ready\n');

const stop = async () => {
  await worker.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
