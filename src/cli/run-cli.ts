import { type Command, CommanderError } from 'commander';
import { CONFIG_ENV } from '../config/agent-config.js';

/** `--config FILE`, the same on every command: it becomes PYROS_AGENT_CONFIG for everything this process (and its threads) reads. */
export function applyConfigOption(config: string | undefined): void {
  if (config !== undefined) process.env[CONFIG_ENV] = config;
}

/** Runs the program; any error is one line on stderr and exit code 1. */
export async function runCli(program: Command, argv: readonly string[]): Promise<void> {
  program.exitOverride();
  try {
    await program.parseAsync(argv as string[]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its own message (or the help/version, with exit code 0).
      process.exitCode = err.exitCode;
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`pyros: ${message.split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}

/** A whole number from a CLI option, or one line saying what is wrong with it. */
export function positiveInt(option: string, text: string, zeroAllowed = false): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (zeroAllowed ? 0 : 1)) {
    throw new Error(`${option}: "${text}" is not a whole number${zeroAllowed ? '' : ' above 0'}`);
  }
  return n;
}
