// Transport messages as Comet writes them (comet/protocol/messages.py), read back; and telling
// transport messages from events.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  buildAck,
  buildIamAlive,
  buildNak,
  readTransportMessage,
  TRANSPORT_NAMESPACE,
} from '../../../src/transport/vtp/transport-messages.js';
import { classifyVtpPayload, transportRole } from '../../../src/transport/vtp/vtp-payload.js';

const AT = Date.UTC(2026, 10, 29, 3, 4, 5, 678);
const SWIFT = readFileSync(
  new URL('../../fixtures/voevents/swift_bat_grb_pos_61_GRB120907A_observation.xml', import.meta.url),
  'utf8',
);

test('a broker iamalive names the broker as Origin; the answer adds our Response', () => {
  const ping = buildIamAlive('ivo://broker/x', undefined, AT);
  assert.match(ping, new RegExp(`^<\\?xml[^>]*\\?>\\n<trn:Transport xmlns:trn="${TRANSPORT_NAMESPACE}"`));
  assert.match(ping, / version="1.0" role="iamalive"/);
  assert.deepEqual(readTransportMessage(ping), {
    role: 'iamalive',
    origin: 'ivo://broker/x',
    response: undefined,
    timestamp: '2026-11-29T03:04:05Z',
    result: undefined,
  });
  const answer = readTransportMessage(buildIamAlive('ivo://pyros/obs', 'ivo://broker/x', AT));
  assert.equal(answer?.origin, 'ivo://broker/x');
  assert.equal(answer?.response, 'ivo://pyros/obs');
});

test('ack and nak name the event as Origin; a nak gives its reason on one line, escaped', () => {
  const ack = readTransportMessage(buildAck('ivo://pyros/obs', 'ivo://nasa.gsfc.gcn/SWIFT#1', AT));
  assert.equal(ack?.role, 'ack');
  assert.equal(ack?.origin, 'ivo://nasa.gsfc.gcn/SWIFT#1');
  assert.equal(ack?.response, 'ivo://pyros/obs');
  const nak = readTransportMessage(
    buildNak('ivo://pyros/obs', 'ivo://a/b#&<1>', 'bad <thing>\n  & "more"', AT),
  );
  assert.equal(nak?.role, 'nak');
  assert.equal(nak?.origin, 'ivo://a/b#&<1>');
  assert.equal(nak?.result, 'bad <thing> & "more"');
  assert.equal(readTransportMessage(buildNak('l', 'o', 'z'.repeat(2000)))?.result?.length, 500);
});

test('transportRole tells transport messages from events and from anything else', () => {
  assert.equal(transportRole(buildIamAlive('ivo://b/x')), 'iamalive');
  assert.equal(transportRole(buildAck('ivo://b/x', 'ivo://e/1')), 'ack');
  assert.equal(transportRole(buildNak('ivo://b/x', 'ivo://e/1', 'no')), 'nak');
  assert.equal(transportRole(SWIFT), 'voevent');
  assert.equal(transportRole('<Transport role="dance"/>'), undefined);
  assert.equal(transportRole('not xml'), undefined);
});

test('classifyVtpPayload: reasons for what VTP cannot carry', () => {
  const ok = classifyVtpPayload(Buffer.from(SWIFT));
  assert.equal(ok.kind, 'voevent');
  assert.equal(ok.kind === 'voevent' && ok.ivorn, 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-729');
  const reason = (body: string | Buffer) => {
    const p = classifyVtpPayload(body);
    return p.kind === 'invalid' ? p.reason : `valid ${p.kind}`;
  };
  assert.equal(reason(Buffer.from([0xff, 0xfe, 0x3c])), 'not UTF-8 text');
  assert.match(reason('garbage'), /not well-formed XML/);
  assert.match(reason('<html/>'), /root element is <html>/);
  assert.match(reason('<VOEvent role="test"/>'), /ivorn is missing/);
  const badRole = classifyVtpPayload('<VOEvent ivorn="ivo://a/b#1" role="iamalive"/>');
  assert.deepEqual(badRole, {
    kind: 'invalid',
    ivorn: 'ivo://a/b#1',
    reason: 'VOEvent@role "iamalive" is not observation, prediction, utility, test',
  });
});
