import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { AlertManagerAgent } from '../../../src/observatory/agents/alert-manager-agent.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { stopStartedAgents } from '../../net-helpers.js';
import { type TempObservatory, tempObservatory, VOEVENTS } from '../observatory-fixture.js';
import { startRecorder } from './recorder.js';

const swift = readFileSync(join(VOEVENTS, 'swift_bat_grb_pos_61_GRB120907A_observation.xml'), 'utf8');
const fermi = readFileSync(join(VOEVENTS, 'fermi_gbm_alert_110_no-position.xml'), 'utf8');

describe('AlertManagerAgent', () => {
  let obs: TempObservatory | undefined;
  afterEach(async () => {
    await stopStartedAgents();
    obs?.dispose();
  });

  it('"VOEvent": tells the scheduler of an accepted alert and replies with a summary', async () => {
    const scheduler = await startRecorder('scheduler');
    obs = tempObservatory('', new SimClock(Date.parse('2026-11-29T20:00:00Z'), 1));
    const agent = new AlertManagerAgent(obs.ctx);
    const handler = agent.actionsByMessage.VOEvent;
    const reply = (await handler?.call(agent, { xml: swift, drill: true, source: 'cli' }, {} as never)) as {
      outcome: string;
      summary: string;
      requestId: string;
    };
    assert.equal(reply.outcome, 'accepted');
    assert.match(reply.summary, /^accepted: SWIFT_BAT_GRB_POS_ACK at 74\.7412, -9\.3137/);
    const told = await scheduler.waitFor('New alert');
    assert.equal((told.payload as { requestId: string }).requestId, reply.requestId);
    // A notice that asks nothing of the scheduler is not sent to it.
    const none = (await handler?.call(agent, { xml: fermi, source: 'cli' }, {} as never)) as {
      outcome: string;
    };
    assert.equal(none.outcome, 'no-position');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(scheduler.received.length, 1);
  });

  it('refuses a payload without xml, and a notice that is not a VOEvent, in one line', async () => {
    obs = tempObservatory('', new SimClock(Date.parse('2026-11-29T20:00:00Z'), 1));
    const agent = new AlertManagerAgent(obs.ctx);
    const handler = agent.actionsByMessage.VOEvent;
    await assert.rejects(
      async () => handler?.call(agent, { drill: true }, {} as never),
      /expected \{ xml: string/,
    );
    await assert.rejects(async () => handler?.call(agent, { xml: '<a/>' }, {} as never), /VOEvent/);
    assert.equal(obs.ctx.alerts.latest().length, 0);
  });
});
