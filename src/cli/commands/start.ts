import type { Command } from 'commander';
import { AgentConfig, resolveConfigPath } from '../../config/agent-config.js';
import { runHost } from '../../host/launcher.js';
import { startSimSession } from '../../observatory/clock/sim-session.js';
import { hostAppRecorder } from '../../observatory/host-apps.js';
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
    .option(
      '--sim-start <when>',
      'run on a simulated clock from WHEN: an ISO time, "tonight" (the coming sunset at the site) or "resume" (where the last simulated run stopped)',
    )
    .option(
      '--speed <n>',
      "simulated seconds per real second (with --sim-start; default 1, or the resumed run's)",
    )
    .action(
      async (
        names: string[],
        opts: { config?: string; grace: string; simStart?: string; speed?: string },
      ) => {
        applyConfigOption(opts.config);
        const graceMs = Number(opts.grace);
        if (!Number.isInteger(graceMs) || graceMs < 0)
          throw new Error(`--grace: "${opts.grace}" is not a whole number of ms`);
        if (opts.speed !== undefined && opts.simStart === undefined)
          throw new Error('--speed needs --sim-start');
        const speed = opts.speed === undefined ? undefined : Number(opts.speed);
        if (speed !== undefined && (!Number.isFinite(speed) || speed <= 0))
          throw new Error(`--speed: "${opts.speed}" is not a number > 0`);
        const config = AgentConfig.load(resolveConfigPath());
        const sim = opts.simStart === undefined ? undefined : startSimSession(config, opts.simStart, speed);
        const apps = hostAppRecorder(config);
        if (sim !== undefined) {
          process.stderr.write(
            `simulated clock: ${new Date(sim.clock.start).toISOString()} at ${sim.clock.speed}x\n`,
          );
        }
        try {
          process.exitCode = await runHost({
            apps: names,
            graceMs,
            ...(apps === undefined
              ? {}
              : { onAppChange: (r: Parameters<typeof apps.record>[0]) => apps.record(r) }),
          });
        } finally {
          sim?.stop();
          apps?.close();
        }
      },
    );
}
