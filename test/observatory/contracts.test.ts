// The observatory's message contracts: each declared once, each in docs/observatory.md's table,
// each handled by agents that exist, the queries the ones that change nothing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { OBSERVATORY_AGENTS } from '../../src/observatory/contracts/agents.js';
import { Msg, OBSERVATORY_MESSAGES, QUERIES } from '../../src/observatory/messages.js';

test('every message has one name, agents that exist, and a row in docs/observatory.md', () => {
  const names = OBSERVATORY_MESSAGES.map((m) => m.name);
  assert.equal(new Set(names).size, names.length, 'no name declared twice');
  const doc = readFileSync(new URL('../../docs/observatory.md', import.meta.url), 'utf8');
  for (const m of OBSERVATORY_MESSAGES) {
    assert.ok(m.to.length > 0, `${m.name} goes to someone`);
    for (const agent of m.to) assert.ok(OBSERVATORY_AGENTS.includes(agent), `${m.name} → ${agent}`);
    assert.match(doc, new RegExp(`^\\| \`${m.name}\` +\\|`, 'm'), `${m.name} in the messages table`);
  }
});

test('queries are the read-only messages; commands and events are not queries', () => {
  for (const q of [
    'Plan',
    'Requests',
    'Alerts',
    'Weather',
    'Execution',
    'Devices',
    'Images',
    'Image data',
    'Messages',
  ]) {
    assert.ok(QUERIES.has(q), q);
  }
  for (const m of [
    Msg.START_OBSERVATION,
    Msg.CLOSE_DOME,
    Msg.PAUSE,
    Msg.RESUME,
    Msg.NEW_ALERT,
    Msg.PLAN_UPDATED,
    Msg.WEATHER_VERDICT,
  ]) {
    assert.equal(QUERIES.has(m.name), false, m.name);
  }
});

test('a payload of the wrong shape is refused by field, before any handler', () => {
  const bad = Msg.START_OBSERVATION.payload.safeParse({
    block: { id: 'x', target: { raDeg: 'ten', decDeg: 0 } },
  });
  assert.equal(bad.success, false);
  const ok = Msg.CLOSE_DOME.payload.parse(undefined);
  assert.deepEqual(ok, { reason: 'dome closed', park: true }, 'defaults: a close parks');
});
