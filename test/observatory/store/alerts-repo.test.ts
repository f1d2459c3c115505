// The alert manager's store: each notice received, once by ivorn, with what was decided and why.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AgentStore } from '../../../src/observatory/store/agent-store.js';
import type { AlertRecord } from '../../../src/observatory/store/alert-record.js';
import { ALERTS_SQL, AlertsRepo } from '../../../src/observatory/store/alerts-repo.js';
import { tempDir } from '../../helpers.js';

const T = Date.parse('2026-11-29T20:00:00Z');
const SCHEMA = { version: 1, sql: ALERTS_SQL };

/** A notice as recorded: every optional field given. */
const FULL: AlertRecord = {
  ivorn: 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-729',
  receivedAt: T,
  source: 'vtp-receiver 127.0.0.1:51234',
  role: 'observation',
  mission: 'SWIFT',
  packetType: 61,
  packetName: 'SWIFT_BAT_GRB_POS_ACK',
  triggerId: '532871',
  eventTime: T - 60_000,
  raDeg: 74.7412,
  decDeg: -9.3137,
  errorDeg: 0.05,
  outcome: 'accepted',
  reason: 'urgent request alert-swift-532871',
  requestId: 'alert-swift-532871',
  drill: false,
  xml: '<voe:VOEvent/>',
};

/** A notice with none of them (a test notice, say). */
function bare(ivorn: string, receivedAt: number, over: Partial<AlertRecord> = {}): AlertRecord {
  return {
    ivorn,
    receivedAt,
    source: 'cli',
    role: 'test',
    outcome: 'test',
    reason: 'role=test',
    drill: false,
    xml: '<x/>',
    ...over,
  };
}

describe("the alert manager's store", () => {
  let dir: string;
  let path: string;
  let store: AgentStore;
  let alerts: AlertsRepo;
  const open = () => {
    store = AgentStore.open(path, SCHEMA);
    alerts = new AlertsRepo(store.db);
  };
  beforeEach(() => {
    dir = tempDir('pyros-alerts-store-');
    path = join(dir, 'alert_manager', 'alert_manager.db');
    open();
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records a notice once by ivorn, with every field as given', () => {
    assert.equal(alerts.insert(FULL), true);
    assert.equal(alerts.insert({ ...FULL, reason: 'again', receivedAt: T + 1 }), false);
    assert.deepEqual(alerts.get(FULL.ivorn), FULL, 'the first record, unchanged');
    const test = bare('ivo://test#1', T, { drill: true });
    alerts.insert(test);
    assert.deepEqual(alerts.get('ivo://test#1'), test, 'no optional field appears from nowhere');
    assert.equal(alerts.get('ivo://unknown#1'), undefined);
  });

  it('finds the notices that made or moved a request, oldest first', () => {
    alerts.insert({ ...FULL, ivorn: 'ivo://b#followup', receivedAt: T + 10, outcome: 'updated' });
    alerts.insert(FULL);
    alerts.insert(bare('ivo://c#1', T + 20));
    assert.deepEqual(
      alerts.ofRequest('alert-swift-532871').map((a) => a.ivorn),
      [FULL.ivorn, 'ivo://b#followup'],
    );
    assert.deepEqual(alerts.ofRequest('alert-other'), []);
  });

  it('lists the latest notices newest first, received at the same time in the order received', () => {
    alerts.insert(bare('ivo://1', T));
    alerts.insert(bare('ivo://3', T + 2));
    alerts.insert(bare('ivo://2a', T + 1));
    alerts.insert(bare('ivo://2b', T + 1));
    assert.deepEqual(
      alerts.latest().map((a) => a.ivorn),
      ['ivo://3', 'ivo://2b', 'ivo://2a', 'ivo://1'],
    );
    assert.deepEqual(
      alerts.latest(2).map((a) => a.ivorn),
      ['ivo://3', 'ivo://2b'],
    );
  });

  it('keeps the notices across reopening the file', () => {
    alerts.insert(FULL);
    store.close();
    open();
    assert.deepEqual(alerts.get(FULL.ivorn), FULL);
    assert.equal(alerts.insert(FULL), false);
  });
});
