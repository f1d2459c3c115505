import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseVoEvent, VoEventError } from '../../observatory/alerts/voevent.js';
import { AGENTS } from '../../observatory/contracts/agents.js';
import { Msg } from '../../observatory/messages.js';
import { Sender } from '../../sender/sender.js';
import { DEFAULT_MAX_XML_BYTES } from '../../transport/vtp/xml-document.js';
import { applyConfigOption, positiveInt } from '../run-cli.js';

/** The agent alerts go to. */
export const ALERT_AGENT = AGENTS.alertManager;

/** What `pyros alert` sends to the alert manager. */
export interface AlertSubmission {
  readonly xml: string;
  /** A drill: the alert manager treats the event as happening now and marks everything it does as a drill. */
  readonly drill: boolean;
  readonly source: 'cli';
  /** The file's absolute path. */
  readonly file: string;
}

/** Reads and checks a VOEvent file locally; one-line errors name the file. */
async function readVoEventFile(file: string): Promise<string> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    throw new Error(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (size > DEFAULT_MAX_XML_BYTES) {
    throw new Error(`${file}: ${size} bytes is over the VOEvent limit of ${DEFAULT_MAX_XML_BYTES} bytes`);
  }
  const xml = await readFile(file, 'utf8');
  try {
    parseVoEvent(xml);
  } catch (err) {
    if (err instanceof VoEventError) throw new Error(`${file}: ${err.message}`);
    throw err;
  }
  return xml;
}

/**
 * `pyros alert FILE.xml`: checks the VOEvent locally (a bad file is one line on stderr and exit 1,
 * and nothing is sent), then hands it to the alert manager and prints its answer. `write` is where
 * the answer goes (stdout by default).
 */
export function registerAlert(
  program: Command,
  write: (text: string) => void = (t) => process.stdout.write(t),
) {
  program
    .command('alert')
    .description(`submit a VOEvent file to the ${ALERT_AGENT} agent and print its answer`)
    .argument('<file>', 'VOEvent 2.0 XML file')
    .option(
      '-d, --drill',
      'a drill: the event is taken as happening now, and everything done is marked drill',
    )
    .option('-j, --json', "print the agent's raw reply as JSON")
    .option('-t, --timeout <ms>', 'give up after this many ms', '10000')
    .option(
      '-c, --config <file>',
      'config file (default: $PYROS_AGENT_CONFIG, then ./pyros_agent_config.ini)',
    )
    .action(
      async (file: string, opts: { drill?: boolean; json?: boolean; timeout: string; config?: string }) => {
        const timeout = positiveInt('--timeout', opts.timeout);
        const xml = await readVoEventFile(file);
        applyConfigOption(opts.config);
        // Retries must fit in the timeout, so that the command always ends within it.
        Sender.configure({
          from: 'pyros-cli',
          retry: { retries: 4, baseDelayMs: 50, maxDelayMs: 400, connectTimeoutMs: Math.min(2000, timeout) },
        });
        const submission: AlertSubmission = {
          xml,
          drill: opts.drill === true,
          source: 'cli',
          file: resolve(file),
        };
        try {
          const reply = await Sender.request(ALERT_AGENT, Msg.VOEVENT, submission, { timeout });
          write(`${opts.json ? JSON.stringify(reply, null, 2) : reply.summary}\n`);
        } finally {
          Sender.closeAll();
        }
      },
    );
}
