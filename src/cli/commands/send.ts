import type { Command } from 'commander';
import { DEFAULT_RETRY } from '../../sender/link-policy.js';
import { Sender } from '../../sender/sender.js';
import { applyConfigOption, UsageError } from '../run-cli.js';

function parsePayload(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--payload is not JSON: ${(err as Error).message}`);
  }
}

export function registerSend(program: Command): void {
  program
    .command('send')
    .description('send MESSAGE to AGENT; exit 0 once the agent has accepted it, 1 with the reason otherwise')
    .argument('<agent>', 'agent name, as a section of the config')
    .argument('<message>', 'message text, e.g. "Observation finished" or SHUTDOWN')
    .option('-p, --payload <json>', 'JSON payload')
    .option('-r, --request', "wait for the handler's reply and print it as JSON")
    .option('-t, --timeout <ms>', 'give up after this many ms', '5000')
    .option(
      '-c, --config <file>',
      'config file (default: $PYROS_AGENT_CONFIG, then ./pyros_agent_config.ini)',
    )
    .action(
      async (
        agent: string,
        message: string,
        opts: { payload?: string; request?: boolean; timeout: string; config?: string },
      ) => {
        applyConfigOption(opts.config);
        const timeout = Number(opts.timeout);
        if (!Number.isFinite(timeout) || timeout <= 0)
          throw new UsageError(`--timeout: "${opts.timeout}" is not a positive number of ms`);
        const payload = parsePayload(opts.payload);
        // Sender's own retries (the README's, and pyros status's); a connect never outlasts the timeout.
        Sender.configure({
          from: 'pyros-cli',
          retry: { ...DEFAULT_RETRY, connectTimeoutMs: Math.min(DEFAULT_RETRY.connectTimeoutMs, timeout) },
        });
        if (opts.request) {
          const reply = await Sender.request(agent, message, payload, { timeout });
          process.stdout.write(`${JSON.stringify(reply, null, 2) ?? 'null'}\n`);
        } else {
          await Sender.sendTo(agent, message, payload, { timeout });
          process.stdout.write(`delivered "${message}" to ${agent}\n`);
        }
        Sender.closeAll();
      },
    );
}
