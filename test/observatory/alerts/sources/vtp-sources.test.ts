// The two VTP sources through the source conformance suite: our own VTP port (authors publish to
// it) and a broker we subscribe to.
import { connect } from 'node:net';
import {
  type VtpReceiverSource,
  vtpReceiverSource,
  vtpSubscriberSource,
} from '../../../../src/observatory/alerts/sources/vtp-sources.js';
import { readTransportMessage } from '../../../../src/transport/vtp/transport-messages.js';
import { VtpFrameReader } from '../../../../src/transport/vtp/vtp-frame.js';
import { tempDir } from '../../../helpers.js';
import { sourceConformance, type Verdict } from './source-conformance.js';
import { rawVtpFrame, startBroker } from './vtp-broker.js';

/** Publishes one frame of raw bytes to a VTP receiver and reads its answer (ack or nak). */
function publishRaw(port: number, body: Uint8Array): Promise<Verdict> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(rawVtpFrame(body)));
    const reader = new VtpFrameReader();
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      reader.push(chunk);
      const frame = reader.next();
      if (frame === undefined) return;
      const role = readTransportMessage(frame.toString('utf8'))?.role;
      socket.destroy();
      resolve(role === 'ack' ? 'ack' : 'refused');
    });
  });
}

sourceConformance(
  {
    name: 'vtp-listen:// (our VTP port)',
    afterTransientFailure: 'refused',
    refusedAs: 'refused',
    async open(ctx) {
      const raw = 'vtp-listen://127.0.0.1:0';
      const source = vtpReceiverSource(new URL(raw), raw, ctx) as VtpReceiverSource;
      return {
        source,
        publish: (bytes) => publishRaw(source.boundPort, bytes),
        close: () => source.stop(),
      };
    },
  },
  () => tempDir('pyros-vtp-source-'),
);

sourceConformance(
  {
    name: 'vtp:// (a broker we subscribe to)',
    // As Comet: a broker may drop a subscriber that naks, so every event is acked.
    afterTransientFailure: 'ack',
    refusedAs: 'ack',
    async open(ctx) {
      const broker = await startBroker();
      const raw = `vtp://127.0.0.1:${broker.port}`;
      const source = vtpSubscriberSource(new URL(raw), raw, ctx);
      return {
        source,
        async publish(bytes) {
          await broker.connected();
          const before = broker.answers.length;
          broker.publish(bytes);
          // A frame that is not a notice is left unanswered: after a second, it was not taken.
          const until = Date.now() + 1000;
          while (broker.answers.length === before && Date.now() < until)
            await new Promise((r) => setTimeout(r, 10));
          const answer = broker.answers[before];
          return answer?.startsWith('ack ') ? 'ack' : 'refused';
        },
        async close() {
          await source.stop();
          broker.close();
        },
      };
    },
  },
  () => tempDir('pyros-vtp-source-'),
);
