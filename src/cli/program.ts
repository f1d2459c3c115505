// The pyros command: every subcommand, parsed by commander. Loaded by main.ts once the Node version is known to be supported.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerAlert } from './commands/alert.js';
import { registerNight } from './commands/night.js';
import { registerSend } from './commands/send.js';
import { registerStart } from './commands/start.js';
import { registerStatus } from './commands/status.js';
import { registerTasks } from './commands/tasks.js';
import { registerWorker } from './commands/worker.js';
import { runCli } from './run-cli.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('pyros')
  .description('pyros-ts: PyROS agents for robotic observatories')
  .version(pkg.version);
registerStart(program);
registerSend(program);
registerStatus(program);
registerWorker(program);
registerTasks(program);
registerAlert(program);
registerNight(program);

await runCli(program, process.argv);
