import type { Command } from 'commander';
import { tasksBrokerUrl } from '../../observatory/agents/observatory-broker.js';
import type { Broker } from '../../tasks/broker.js';
import { openBroker } from '../../tasks/brokers/broker-url.js';
import { TASK_STATES, type TaskRecord, type TaskState } from '../../tasks/task-record.js';
import {
  applyObservatoryOptions,
  type ObservatoryOptions,
  observatoryOptions,
} from '../observatory-options.js';
import { positiveInt, UsageError } from '../run-cli.js';
import { textTable } from '../text-table.js';

type Where = ObservatoryOptions & { broker?: string };

/** Opens the broker as `pyros start`'s analyzer does (tasksBrokerUrl), runs `fn`, closes it. */
async function withBroker<T>(opts: Where, fn: (b: Broker) => Promise<T>): Promise<T> {
  applyObservatoryOptions(opts);
  const broker = await openBroker(tasksBrokerUrl(opts.broker));
  try {
    return await fn(broker);
  } finally {
    await broker.close();
  }
}

function iso(ms: number | undefined): string {
  return ms === undefined
    ? '-'
    : new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');
}

export function formatTasks(records: readonly TaskRecord[]): string {
  const rows = [
    ['ID', 'NAME', 'STATE', 'QUEUE', 'ATTEMPT', 'ETA', 'FINISHED'],
    ...records.map((r) => [r.id, r.name, r.state, r.queue, String(r.attempt), iso(r.eta), iso(r.finishedAt)]),
  ];
  return textTable(rows);
}

const TIMES = new Set(['eta', 'expires', 'createdAt', 'startedAt', 'finishedAt', 'lockUntil']);

/** One task as `key  value` lines: times in ISO, JSON values (args, result, error) as JSON. */
export function formatRecord(r: TaskRecord): string {
  const entries = Object.entries(r).filter(([, v]) => v !== undefined);
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries
    .map(([k, v]) => {
      const shown =
        TIMES.has(k) && typeof v === 'number' ? iso(v) : typeof v === 'string' ? v : JSON.stringify(v);
      return `${k.padEnd(width)}  ${shown}`;
    })
    .join('\n');
}

/** The --broker help of `pyros tasks` and `pyros worker`. */
export const BROKER_HELP =
  "sqlite:PATH or redis://HOST:PORT/DB (default: $PYROS_BROKER, then the config's [DEFAULT] broker, then the observatory analyzer's tasks.db in its data folder, then sqlite:./pyros-tasks.db)";

export function registerTasks(program: Command): void {
  const tasks = program.command('tasks').description('read and act on a task broker');
  /** --broker, --config, --observatory, --data-dir: where the broker is, as `pyros start` finds it. */
  const where = (cmd: Command): Command => observatoryOptions(cmd.option('-b, --broker <url>', BROKER_HELP));

  where(tasks.command('list'))
    .description('tasks, newest first')
    .option('--state <states>', `comma-separated: ${TASK_STATES.join(', ')}`)
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (opts: Where & { state?: string; limit: string; json?: boolean }) => {
      const states = opts.state?.split(',').map((s) => s.trim().toUpperCase());
      for (const s of states ?? []) {
        if (!TASK_STATES.includes(s as TaskState))
          throw new UsageError(`--state: "${s}" is not one of ${TASK_STATES.join(', ')}`);
      }
      const limit = positiveInt('--limit', opts.limit);
      const list = await withBroker(opts, (b) =>
        b.list({ limit, ...(states ? { states: states as TaskState[] } : {}) }),
      );
      process.stdout.write(`${opts.json ? JSON.stringify(list, null, 2) : formatTasks(list)}\n`);
    });

  where(tasks.command('inspect'))
    .description("one task's whole record")
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: Where & { json?: boolean }) => {
      const r = await withBroker(opts, (b) => b.get(id));
      if (r === undefined) throw new Error(`no task ${id}`);
      process.stdout.write(`${opts.json ? JSON.stringify(r, null, 2) : formatRecord(r)}\n`);
    });

  where(tasks.command('revoke'))
    .description('revoke a task: never runs if waiting; aborted if running')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: Where & { json?: boolean }) => {
      const state = await withBroker(opts, (b) => b.revoke(id, Date.now()));
      if (state === undefined) throw new Error(`no task ${id}`);
      process.stdout.write(opts.json ? `${JSON.stringify({ id, state })}\n` : `${id}: ${state}\n`);
    });

  where(tasks.command('purge'))
    .description('delete every task waiting to run')
    .option('--json', 'print JSON')
    .action(async (opts: Where & { json?: boolean }) => {
      const purged = await withBroker(opts, (b) => b.purge());
      process.stdout.write(
        opts.json ? `${JSON.stringify({ purged })}\n` : `purged ${purged} waiting task(s)\n`,
      );
    });
}
