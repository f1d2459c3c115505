import { resolve } from 'node:path';
import type { Command } from 'commander';
import { OBSERVATORY_ENV } from '../config/agent-config.js';
import { DATA_DIR_ENV } from '../observatory/settings/observatory-settings.js';
import { applyConfigOption, UsageError } from './run-cli.js';

/** The options that say where the agents' config, the observatory settings and this host's data are. */
export interface ObservatoryOptions {
  readonly config?: string;
  readonly observatory?: string;
  readonly dataDir?: string;
}

/** Adds `--config`, `--observatory` and `--data-dir` to `cmd`, worded the same on every command that takes them. */
export function observatoryOptions(cmd: Command): Command {
  return cmd
    .option(
      '-c, --config <file>',
      'config file (default: $PYROS_AGENT_CONFIG, then ./pyros_agent_config.ini)',
    )
    .option(
      '--observatory <file>',
      "the observatory settings file, instead of the config's [DEFAULT] observatory (e.g. observatory/observatory-indi.ini)",
    )
    .option(
      '--data-dir <dir>',
      "this host's data folder (each agent's store goes in a folder of its own inside it), instead of observatory.ini's data_dir",
    );
}

/**
 * Makes the options the environment of this process and its threads (PYROS_AGENT_CONFIG,
 * PYROS_OBSERVATORY, PYROS_DATA_DIR), which every reader of the config and the settings goes by:
 * `pyros start`, `pyros tasks` and `pyros worker` then find the same files and the same broker.
 */
export function applyObservatoryOptions(opts: ObservatoryOptions): void {
  applyConfigOption(opts.config);
  if (opts.observatory !== undefined) {
    if (opts.observatory.trim() === '') throw new UsageError('--observatory: empty');
    process.env[OBSERVATORY_ENV] = resolve(opts.observatory);
  }
  if (opts.dataDir !== undefined) {
    if (opts.dataDir.trim() === '') throw new UsageError('--data-dir: empty');
    process.env[DATA_DIR_ENV] = resolve(opts.dataDir);
  }
}
