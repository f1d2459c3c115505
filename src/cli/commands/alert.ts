import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { NoticeError } from '../../observatory/alerts/notice.js';
import { MAX_NOTICE_BYTES, parseNotice } from '../../observatory/alerts/parse-notice.js';
import { decodeNotice, NoticeRefusedError } from '../../observatory/alerts/sources/alert-source.js';
import { AGENTS } from '../../observatory/contracts/agents.js';
import { Msg } from '../../observatory/messages.js';
import { Sender } from '../../sender/sender.js';
import { applyConfigOption, positiveInt } from '../run-cli.js';

/** The agent alerts go to. */
export const ALERT_AGENT = AGENTS.alertManager;

/** What `pyros alert` sends to the alert manager. */
export interface AlertSubmission {
  /** The notice's text: VOEvent XML, or JSON (a GCN unified-schema notice, an IGWN alert). */
  readonly text: string;
  /** A drill: the alert manager treats the event as happening now and marks everything it does as a drill. */
  readonly drill: boolean;
  readonly source: 'cli';
  /** The file's absolute path. */
  readonly file: string;
}

/** Reads and checks a notice file locally (strict UTF-8, a notice of a known format); one-line errors name the file. */
async function readNoticeFile(file: string): Promise<string> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    throw new Error(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (size > MAX_NOTICE_BYTES) {
    throw new Error(`${file}: ${size} bytes is over the notice limit of ${MAX_NOTICE_BYTES} bytes`);
  }
  try {
    const text = decodeNotice(await readFile(file), file);
    parseNotice(text);
    return text;
  } catch (err) {
    if (err instanceof NoticeRefusedError) throw new Error(err.message);
    if (err instanceof NoticeError) throw new Error(`${file}: ${err.message}`);
    throw err;
  }
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
    .description(
      `submit a notice file (VOEvent XML or JSON) to the ${ALERT_AGENT} agent and print its answer`,
    )
    .argument('<file>', 'a VOEvent 2.0 XML file, or a JSON notice (GCN unified schema, IGWN alert)')
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
        const text = await readNoticeFile(file);
        applyConfigOption(opts.config);
        // Retries must fit in the timeout, so that the command always ends within it.
        Sender.configure({
          from: 'pyros-cli',
          retry: { retries: 4, baseDelayMs: 50, maxDelayMs: 400, connectTimeoutMs: Math.min(2000, timeout) },
        });
        const submission: AlertSubmission = {
          text,
          drill: opts.drill === true,
          source: 'cli',
          file: resolve(file),
        };
        try {
          const reply = await Sender.request(ALERT_AGENT, Msg.NOTICE, submission, { timeout });
          write(`${opts.json ? JSON.stringify(reply, null, 2) : reply.summary}\n`);
        } finally {
          Sender.closeAll();
        }
      },
    );
}
