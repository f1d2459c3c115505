// The alert manager's store: each notice received, once by ivorn, with what was decided and why.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AgentStore } from '../../../src/observatory/store/agent-store.js';
import type { AlertRecord } from '../../../src/observatory/store/alert-record.js';
import { ALERTS_MIGRATION_1, ALERTS_SQL, AlertsRepo } from '../../../src/observatory/store/alerts-repo.js';
import { tempDir } from '../../helpers.js';

const T = Date.parse('2026-11-29T20:00:00Z');
const SCHEMA = { version: 2, sql: ALERTS_SQL, migrations: [ALERTS_MIGRATION_1] };

/** The table as the first alert manager created it (VOEvents only, the text in `xml`). */
const VERSION_1_SQL = `
CREATE TABLE alerts (ivorn TEXT PRIMARY KEY, received_at INTEGER NOT NULL, source TEXT NOT NULL, role TEXT NOT NULL,
  mission TEXT, packet_type INTEGER, packet_name TEXT, trigger_id TEXT, event_time INTEGER, ra_deg REAL,
  dec_deg REAL, error_deg REAL, outcome TEXT NOT NULL, reason TEXT NOT NULL, request_id TEXT,
  drill INTEGER NOT NULL DEFAULT 0, xml TEXT NOT NULL);`;

/** A notice as recorded: every optional field given. */
const FULL: AlertRecord = {
  ivorn: 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-729',
  receivedAt: T,
  source: 'vtp-receiver 127.0.0.1:51234',
  format: 'voevent',
  role: 'observation',
  mission: 'SWIFT',
  instrument: 'BAT',
  packetType: 61,
  packetName: 'SWIFT_BAT_GRB_POS_ACK',
  triggerId: '532871',
  eventKey: 'Swift:532871',
  eventTime: T - 60_000,
  raDeg: 74.7412,
  decDeg: -9.3137,
  errorDeg: 0.05,
  classification: 'GRB',
  area90Deg2: 12.5,
  outcome: 'accepted',
  reason: 'urgent request alert-swift-532871',
  requestId: 'alert-swift-532871',
  drill: false,
  raw: '<voe:VOEvent/>',
};

/** A notice with none of them (a test notice, say). */
function bare(ivorn: string, receivedAt: number, over: Partial<AlertRecord> = {}): AlertRecord {
  return {
    ivorn,
    receivedAt,
    source: 'cli',
    format: 'gcn-json',
    role: 'test',
    outcome: 'test',
    reason: 'role=test',
    drill: false,
    raw: '{}',
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

  it('brings a store of the first version up: its notices kept, read as VOEvents', () => {
    store.close();
    rmSync(path);
    const old = AgentStore.open(path, { version: 1, sql: VERSION_1_SQL });
    old.db
      .prepare(
        `INSERT INTO alerts (ivorn, received_at, source, role, outcome, reason, drill, xml)
         VALUES ('ivo://old#1', ${T}, 'cli', 'observation', 'accepted', 'old', 0, '<voe:VOEvent/>')`,
      )
      .run();
    old.close();
    open();
    assert.deepEqual(alerts.get('ivo://old#1'), {
      ivorn: 'ivo://old#1',
      receivedAt: T,
      source: 'cli',
      format: 'voevent',
      role: 'observation',
      outcome: 'accepted',
      reason: 'old',
      drill: false,
      raw: '<voe:VOEvent/>',
    });
    assert.equal(alerts.insert(FULL), true, 'the new columns are there');
    assert.deepEqual(alerts.get(FULL.ivorn), FULL);
  });
});
