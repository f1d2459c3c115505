import type { Command } from 'commander';
import type { Broker } from '../../tasks/broker.js';
import { openBroker } from '../../tasks/brokers/broker-url.js';
import { TASK_STATES, type TaskRecord, type TaskState } from '../../tasks/task-record.js';
import { brokerUrl } from '../../tasks/tasks-runtime.js';
import { applyConfigOption, positiveInt } from '../run-cli.js';
import { textTable } from '../text-table.js';

async function withBroker<T>(
  opts: { broker?: string; config?: string },
  fn: (b: Broker) => Promise<T>,
): Promise<T> {
  applyConfigOption(opts.config);
  const broker = await openBroker(brokerUrl(opts.broker));
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

export function registerTasks(program: Command): void {
  const tasks = program.command('tasks').description('read and act on a task broker');
  const brokerOption = '-b, --broker <url>';
  const brokerHelp =
    'sqlite:PATH or redis://HOST:PORT/DB (default: $PYROS_BROKER, then the config file, then sqlite:./pyros-tasks.db)';
  const configOption = '-c, --config <file>';
  const configHelp = 'agent config file, whose [DEFAULT] broker key names the broker';

  tasks
    .command('list')
    .description('tasks, newest first')
    .option(brokerOption, brokerHelp)
    .option(configOption, configHelp)
    .option('--state <states>', `comma-separated: ${TASK_STATES.join(', ')}`)
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(
      async (opts: { broker?: string; config?: string; state?: string; limit: string; json?: boolean }) => {
        const states = opts.state?.split(',').map((s) => s.trim().toUpperCase());
        for (const s of states ?? []) {
          if (!TASK_STATES.includes(s as TaskState))
            throw new Error(`--state: "${s}" is not one of ${TASK_STATES.join(', ')}`);
        }
        const limit = positiveInt('--limit', opts.limit);
        const list = await withBroker(opts, (b) =>
          b.list({ limit, ...(states ? { states: states as TaskState[] } : {}) }),
        );
        process.stdout.write(`${opts.json ? JSON.stringify(list, null, 2) : formatTasks(list)}\n`);
      },
    );

  tasks
    .command('inspect')
    .description("one task's whole record")
    .argument('<id>')
    .option(brokerOption, brokerHelp)
    .option(configOption, configHelp)
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { broker?: string; config?: string; json?: boolean }) => {
      const r = await withBroker(opts, (b) => b.get(id));
      if (r === undefined) throw new Error(`no task ${id}`);
      process.stdout.write(`${opts.json ? JSON.stringify(r, null, 2) : formatRecord(r)}\n`);
    });

  tasks
    .command('revoke')
    .description('revoke a task: never runs if waiting; aborted if running')
    .argument('<id>')
    .option(brokerOption, brokerHelp)
    .option(configOption, configHelp)
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { broker?: string; config?: string; json?: boolean }) => {
      const state = await withBroker(opts, (b) => b.revoke(id, Date.now()));
      if (state === undefined) throw new Error(`no task ${id}`);
      process.stdout.write(opts.json ? `${JSON.stringify({ id, state })}\n` : `${id}: ${state}\n`);
    });

  tasks
    .command('purge')
    .description('delete every task waiting to run')
    .option(brokerOption, brokerHelp)
    .option(configOption, configHelp)
    .option('--json', 'print JSON')
    .action(async (opts: { broker?: string; config?: string; json?: boolean }) => {
      const purged = await withBroker(opts, (b) => b.purge());
      process.stdout.write(
        opts.json ? `${JSON.stringify({ purged })}\n` : `purged ${purged} waiting task(s)\n`,
      );
    });
}
