import type { Command } from 'commander';
import { AgentConfig, requireAgents, resolveConfigPath } from '../../config/agent-config.js';
import { runHost } from '../../host/launcher.js';
import { closeDomeSeconds } from '../../observatory/agents/overheads-of.js';
import { parseTime } from '../../observatory/clock/clock-from-env.js';
import { startSimSession } from '../../observatory/clock/sim-session.js';
import { checkDeviceClock, checkObservatory } from '../../observatory/settings/observatory-check.js';
import { applyObservatoryOptions, observatoryOptions } from '../observatory-options.js';
import { UsageError } from '../run-cli.js';

export function registerStart(program: Command): void {
  const start = program
    .command('start')
    .description(
      'start the apps named (default: every section of the config with a module or app key and autostart on), ' +
        'each agent in its own worker thread, supervised; SIGINT/SIGTERM stop them all',
    )
    .argument('[apps...]', 'app (agent) names, as sections of the config')
    .option(
      '--grace <ms>',
      'how long agents get to stop after SIGINT/SIGTERM (default 5000, or as long as the observatory takes to close the dome and park)',
    )
    .option(
      '--sim-start <when>',
      'run on a simulated clock from WHEN: an ISO time, "tonight" (the coming sunset at the site) or "resume" (where the last simulated run stopped)',
    )
    .option(
      '--speed <n>',
      "simulated seconds per real second (with --sim-start; default 1, or the resumed run's)",
    )
    .option(
      '--sim-anchor <time>',
      'the real time (ISO) at which the simulated clock reads --sim-start: give every host of one observatory the same, and they agree on the time (resume included)',
    );
  observatoryOptions(start).action(
    async (
      names: string[],
      opts: {
        config?: string;
        grace?: string;
        simStart?: string;
        speed?: string;
        simAnchor?: string;
        dataDir?: string;
        observatory?: string;
      },
    ) => {
      let graceMs = Number(opts.grace ?? 5000);
      if (!Number.isInteger(graceMs) || graceMs < 0)
        throw new UsageError(`--grace: "${opts.grace}" is not a whole number of ms`);
      if (opts.speed !== undefined && opts.simStart === undefined)
        throw new UsageError('--speed needs --sim-start');
      if (opts.simAnchor !== undefined && opts.simStart === undefined)
        throw new UsageError('--sim-anchor needs --sim-start');
      applyObservatoryOptions(opts);
      // The syntax of the times is the caller's mistake (exit 2); whether `resume` has a run to resume is not.
      for (const [flag, text] of [
        ['--sim-start', opts.simStart],
        ['--sim-anchor', opts.simAnchor],
      ] as const) {
        if (text === undefined || (flag === '--sim-start' && (text === 'tonight' || text === 'resume')))
          continue;
        try {
          parseTime(text, flag);
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
      }
      const speed = opts.speed === undefined ? undefined : Number(opts.speed);
      if (speed !== undefined && (!Number.isFinite(speed) || speed <= 0))
        throw new UsageError(`--speed: "${opts.speed}" is not a number > 0`);
      const config = AgentConfig.load(resolveConfigPath());
      requireAgents(config);
      // Read before any agent starts: a missing file is one line and exit 1, not failing agents.
      const settings = await checkObservatory(config);
      const sim =
        opts.simStart === undefined
          ? undefined
          : startSimSession(config, {
              when: opts.simStart,
              ...(speed === undefined ? {} : { speed }),
              ...(opts.simAnchor === undefined ? {} : { anchor: opts.simAnchor }),
            });
      if (sim !== undefined && settings !== undefined) checkDeviceClock(settings, sim.clock.speed);
      // At SHUTDOWN the observation manager closes the dome and parks: real hardware takes real
      // time, and an agent stopped before it is done leaves that to the hardware alone.
      if (opts.grace === undefined && settings !== undefined) {
        graceMs = Math.max(
          graceMs,
          Math.ceil((closeDomeSeconds(settings) * 1000) / (sim?.clock.speed ?? 1)) + 5000,
        );
      }
      if (sim !== undefined) {
        process.stderr.write(
          `simulated clock: ${new Date(sim.clock.now()).toISOString()} at ${sim.clock.speed}x, ${sim.note}\n`,
        );
      }
      try {
        process.exitCode = await runHost({ apps: names, graceMs });
      } finally {
        sim?.stop();
      }
    },
  );
}
