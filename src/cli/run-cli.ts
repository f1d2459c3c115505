import { type Command, CommanderError } from 'commander';
import { CONFIG_ENV } from '../config/agent-config.js';

/** Exit code of a usage mistake (unknown command or option, missing or bad argument), as for POSIX utilities; 1 is for everything else. */
export const USAGE_EXIT = 2;

/**
 * A mistake in how a command was called (a flag's value, two flags that do not go together):
 * printed as one line with the hint `(see pyros CMD --help)`, exit {@link USAGE_EXIT}.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `--config FILE`, the same on every command: it becomes PYROS_AGENT_CONFIG for everything this process (and its threads) reads. */
export function applyConfigOption(config: string | undefined): void {
  if (config !== undefined) process.env[CONFIG_ENV] = config;
}

/** Commander's codes for a command called wrongly (its others are help, version, and a failed action). */
const USAGE_CODES = new Set([
  'commander.unknownOption',
  'commander.unknownCommand',
  'commander.missingArgument',
  'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.excessArguments',
  'commander.invalidArgument',
  'commander.conflictingOption',
]);

/** `pyros tasks list`: the command's name with its parents'. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * One line for a usage mistake: `pyros start: unknown option '--sped'; did you mean --speed? (see pyros start --help)`.
 * `message` is commander's (`error: …`, maybe a second line with a suggestion) or ours.
 */
export function usageLine(cmd: Command, message: string): string {
  const text = message
    .trim()
    .replace(/^error: /, '')
    .replace(/\.$/, '')
    .split('\n')
    .map((line, i) => (i === 0 ? line : line.replace(/^\((.*)\)$/, '$1').replace(/^D/, 'd')))
    .join('; ');
  const path = commandPath(cmd);
  return `${path}: ${text} (see ${path} --help)\n`;
}

/** Every command of the tree prints its own usage mistakes in one line and throws instead of exiting. */
function oneLineErrors(cmd: Command): void {
  cmd.configureOutput({ outputError: (str, write) => write(usageLine(cmd, str)) });
  cmd.exitOverride();
  for (const sub of cmd.commands) oneLineErrors(sub);
}

/**
 * Runs the program. A usage mistake is one line naming the command, with the `--help` hint, exit 2;
 * any other error is one line `pyros: …` on stderr, exit 1.
 */
export async function runCli(program: Command, argv: readonly string[]): Promise<void> {
  oneLineErrors(program);
  let active: Command = program;
  program.hook('preAction', (_program, actionCommand) => {
    active = actionCommand;
  });
  try {
    await program.parseAsync(argv as string[]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its message (one line, above), or the help or version (exit code 0).
      process.exitCode = USAGE_CODES.has(err.code) ? USAGE_EXIT : err.exitCode;
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof UsageError) {
      process.stderr.write(usageLine(active, message.split('\n')[0] ?? ''));
      process.exitCode = USAGE_EXIT;
      return;
    }
    process.stderr.write(`pyros: ${message.split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}

/** A whole number from a CLI option, or a {@link UsageError} saying what is wrong with it. */
export function positiveInt(option: string, text: string, zeroAllowed = false): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (zeroAllowed ? 0 : 1)) {
    throw new UsageError(`${option}: "${text}" is not a whole number${zeroAllowed ? '' : ' above 0'}`);
  }
  return n;
}
