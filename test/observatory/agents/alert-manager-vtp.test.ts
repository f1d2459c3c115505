import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AlertManagerAgent } from '../../../src/observatory/agents/alert-manager-agent.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { readTransportMessage } from '../../../src/transport/vtp/transport-messages.js';
import { encodeVtpFrame, VtpFrameReader } from '../../../src/transport/vtp/vtp-frame.js';
import { publishVoEvent } from '../../../src/transport/vtp/vtp-publisher.js';
import { freePorts, writeConfig } from '../../helpers.js';
import { tempObservatory, VOEVENTS } from '../observatory-fixture.js';

const swift = readFileSync(join(VOEVENTS, 'swift_bat_grb_pos_61_GRB120907A_observation.xml'), 'utf8');
const fermi = readFileSync(join(VOEVENTS, 'fermi_gbm_alert_110_no-position.xml'), 'utf8');

describe('AlertManagerAgent on the network', { timeout: 30_000 }, () => {
  const broker = createServer();
  const brokerSide: Socket[] = [];
  after(() => {
    for (const s of brokerSide) s.destroy();
    broker.close();
  });

  it('takes notices from a VTP broker (acking each) and from publishers on its own VTP port', async () => {
    const [agentPort, vtpPort] = (await freePorts(2)) as [number, number];
    await new Promise<void>((r) => broker.listen(0, '127.0.0.1', r));
    const brokerPort = (broker.address() as { port: number }).port;
    // The broker sends one event to whoever subscribes, then collects what comes back.
    const answers: string[] = [];
    broker.on('connection', (socket) => {
      brokerSide.push(socket);
      const reader = new VtpFrameReader();
      socket.on('data', (chunk) => {
        reader.push(chunk);
        for (let f = reader.next(); f !== undefined; f = reader.next()) {
          const message = readTransportMessage(f.toString('utf8'));
          if (message !== undefined) answers.push(`${message.role} ${message.origin ?? ''}`);
        }
      });
      socket.write(encodeVtpFrame(swift));
    });
    process.env.PYROS_AGENT_CONFIG = writeConfig({ alert_manager: { port: agentPort } });
    // Just after the Swift notice's event time, so that it is fresh.
    const obs = tempObservatory(
      `[alert_manager]\nvtp_port = ${vtpPort}\nvtp_subscribe = 127.0.0.1:${brokerPort}\n`,
      new SimClock(Date.parse('2012-09-07T00:25:00Z'), 1),
    );
    const agent = new AlertManagerAgent(obs.ctx);
    await agent.start();
    try {
      const until = Date.now() + 10_000;
      while (answers.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(answers, ['ack ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-729']);
      const fromBroker = obs.ctx.alerts.get('ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-729');
      assert.equal(fromBroker?.outcome, 'accepted');
      assert.equal(fromBroker?.source, `vtp-subscriber 127.0.0.1:${brokerPort}`);

      const answer = await publishVoEvent({ host: '127.0.0.1', port: vtpPort, xml: fermi });
      assert.equal(answer.role, 'ack');
      const published = obs.ctx.alerts.latest()[0];
      assert.equal(published?.outcome, 'no-position');
      assert.match(published?.source ?? '', /^vtp-receiver 127\.0\.0\.1:\d+$/);
      const refused = await publishVoEvent({ host: '127.0.0.1', port: vtpPort, xml: '<VOEvent/>' });
      assert.equal(refused.role, 'nak');
    } finally {
      agent.requestShutdown('test over');
      await agent.stopped;
      obs.dispose();
    }
  });
});
