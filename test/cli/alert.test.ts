// `pyros alert FILE.xml`, run in-process: a bad file is refused locally (nothing sent); a good one
// goes to a real alert_manager agent on 127.0.0.1 and its answer is printed.
process.env.PYROS_LOG_LEVEL = 'silent';

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { type AlertSubmission, registerAlert } from '../../src/cli/commands/alert.js';
import { tempDir, writeConfig } from '../helpers.js';
import { configureAgent, stopStartedAgents, TestAgent } from '../net-helpers.js';

afterEach(stopStartedAgents);

const SWIFT = fileURLToPath(
  new URL('../fixtures/voevents/swift_bat_grb_pos_61_GRB120907A_observation.xml', import.meta.url),
);

/** Runs `pyros alert …args`; resolves with what it printed, rejects with its error. */
async function alert(args: string[]): Promise<string> {
  let out = '';
  const program = new Command('pyros').exitOverride();
  registerAlert(program, (t) => {
    out += t;
  });
  await program.parseAsync(['alert', ...args], { from: 'user' });
  return out;
}

async function oneLineError(args: string[], pattern: RegExp): Promise<void> {
  await assert.rejects(alert(args), (err: Error) => {
    assert.match(err.message, pattern);
    assert.doesNotMatch(err.message, /\n/);
    return true;
  });
}

test('a missing file, a non-VOEvent and a broken file are refused locally; nothing is sent', async () => {
  // An "alert_manager" that only counts connections.
  let connections = 0;
  const server = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const config = writeConfig({ alert_manager: { port } });
  const dir = tempDir('pyros-alert-');
  const notVoEvent = join(dir, 'transport.xml');
  writeFileSync(
    notVoEvent,
    '<trn:Transport xmlns:trn="x" role="iamalive"><Origin>ivo://a/b</Origin></trn:Transport>',
  );
  const broken = join(dir, 'broken.xml');
  writeFileSync(broken, '<voe:VOEvent ivorn="ivo://a/b#1" role="observation"><Who></voe:VOEvent>');
  const noRole = join(dir, 'norole.xml');
  writeFileSync(noRole, '<VOEvent ivorn="ivo://a/b#1"/>');

  await oneLineError([join(dir, 'missing.xml'), '--config', config], /missing\.xml: cannot read: ENOENT/);
  await oneLineError(
    [notVoEvent, '--config', config],
    /transport\.xml: not a VOEvent: the root element is <Transport>/,
  );
  await oneLineError([broken, '--config', config], /broken\.xml: not well-formed XML at line 1/);
  await oneLineError([noRole, '--config', config], /norole\.xml: VOEvent@role is missing/);
  await oneLineError([SWIFT, '--timeout', 'soon', '--config', config], /--timeout: "soon"/);
  await new Promise<void>((r) => server.close(() => r()));
  assert.equal(connections, 0);
});

test('a notice goes to alert_manager as a request; its summary, or with --json its reply, is printed', async () => {
  const { path } = await configureAgent('alert_manager');
  const received: AlertSubmission[] = [];
  const agent = new TestAgent('alert_manager').on('Notice', (payload) => {
    const p = payload as AlertSubmission;
    received.push(p);
    const summary = `accepted ${p.drill ? 'drill ' : ''}${p.text.length} bytes from ${p.source}`;
    return { outcome: 'accepted', reason: 'new', ivorn: 'ivo://x#1', summary };
  });
  await agent.start();

  const out = await alert([SWIFT, '--config', path]);
  assert.equal(out, 'accepted 9360 bytes from cli\n');
  assert.equal(received[0]?.text.length, 9360);
  assert.equal(received[0]?.file, resolve(SWIFT));
  assert.equal(received[0]?.drill, false);

  const json = await alert([SWIFT, '--drill', '--json', '--config', path]);
  assert.deepEqual(JSON.parse(json), {
    outcome: 'accepted',
    reason: 'new',
    ivorn: 'ivo://x#1',
    summary: 'accepted drill 9360 bytes from cli',
  });
  assert.equal(received[1]?.drill, true);
});

test("a reply that is not the alert manager's is refused by field, in one line", async () => {
  const { path } = await configureAgent('alert_manager');
  const agent = new TestAgent('alert_manager').on('Notice', () => ({ summary: 42 }));
  await agent.start();
  await oneLineError([SWIFT, '--config', path], /"Notice": reply: outcome: /);
});
