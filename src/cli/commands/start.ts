import type { Command } from 'commander';
import { runHost } from '../../host/launcher.js';
import { applyConfigOption } from '../run-cli.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description(
      'start the apps named (default: every section of the config with a module or app key and autostart on), ' +
        'each agent in its own worker thread, supervised; SIGINT/SIGTERM stop them all',
    )
    .argument('[apps...]', 'app (agent) names, as sections of the config')
    .option(
      '-c, --config <file>',
      'config file (default: $PYROS_AGENT_CONFIG, then ./pyros_agent_config.ini)',
    )
    .option('--grace <ms>', 'how long agents get to stop after SIGINT/SIGTERM', '5000')
    .action(async (apps: string[], opts: { config?: string; grace: string }) => {
      applyConfigOption(opts.config);
      const graceMs = Number(opts.grace);
      if (!Number.isInteger(graceMs) || graceMs < 0)
        throw new Error(`--grace: "${opts.grace}" is not a whole number of ms`);
      process.exitCode = await runHost({ apps, graceMs });
    });
}
