import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../../../src/config/config-error.js';
import {
  agentDataDir,
  loadObservatorySettings,
  parseExposures,
} from '../../../src/observatory/settings/observatory-settings.js';
import { SHIPPED } from '../observatory-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'pyros-settings-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(text: string): string {
  const file = join(dir, `obs-${Math.random().toString(36).slice(2)}.ini`);
  writeFileSync(file, text);
  return file;
}

describe('observatory settings', () => {
  it('loads the shipped file, paths relative to it', () => {
    const s = loadObservatorySettings(join(SHIPPED, 'observatory.ini'));
    assert.equal(s.paths.siteFile, join(SHIPPED, 'site.ini'));
    assert.equal(s.paths.dataDir, join(SHIPPED, '..', 'pyros-data'));
    assert.equal(agentDataDir(s, 'scheduler'), join(SHIPPED, '..', 'pyros-data', 'scheduler'));
    assert.equal(s.alert_manager.vtp_port, 8098);
    assert.deepEqual(s.alert_manager.exposures, [{ filter: 'R', exposureS: 60, count: 5 }]);
    assert.equal(s.paths.weatherFile, undefined);
  });

  it("a host's data folder ($PYROS_DATA_DIR) and an agent's own (its section's data_dir)", () => {
    const file = write(
      '[observatory]\ndata_dir = here\n[majordome]\ndata_dir = /var/lib/majordome\n[scheduler]\ndata_dir = sched\n',
    );
    const s = loadObservatorySettings(file, { PYROS_DATA_DIR: '/srv/pyros' });
    assert.equal(s.paths.dataDir, '/srv/pyros');
    assert.equal(agentDataDir(s, 'analyzer'), '/srv/pyros/analyzer');
    assert.equal(agentDataDir(s, 'majordome'), '/var/lib/majordome');
    assert.equal(agentDataDir(s, 'scheduler'), join(dirname(file), 'sched'), 'relative to the settings file');
    assert.equal(loadObservatorySettings(file, {}).paths.dataDir, join(dirname(file), 'here'));
  });

  it('gives defaults for what is absent', () => {
    const s = loadObservatorySettings(write('[monitoring]\npoll_s = 5\n'));
    assert.equal(s.monitoring.poll_s, 5);
    assert.equal(s.monitoring.good_after_s, 1200);
    assert.equal(s.alert_manager.observe_test, false);
    assert.equal(s.alert_manager.vtp_subscribe, undefined);
  });

  it('names file, line, section and key of an unknown key', () => {
    const file = write('[scheduler]\nreplan_every_s = 60\nreplan_evry_s = 60\n');
    assert.throws(
      () => loadObservatorySettings(file),
      (e: Error) =>
        e instanceof ConfigError && e.message.startsWith(`${file}:3: [scheduler] replan_evry_s: unknown key`),
    );
  });

  it('refuses a bad value, an unknown section and a bad HOST:PORT', () => {
    assert.throws(
      () => loadObservatorySettings(write('[monitoring]\npoll_s = soon\n')),
      /poll_s: "soon": expected a number/,
    );
    assert.throws(() => loadObservatorySettings(write('[wether]\nx = 1\n')), /\[wether\] unknown section/);
    // A key of the old [observation_manager] says where it went.
    assert.throws(
      () => loadObservatorySettings(write('[observation_manager]\nreadout_s = 2\n')),
      /:2: \[observation_manager\] readout_s: moved: it is now \[camera\] readout_s$/,
    );
    assert.throws(
      () => loadObservatorySettings(write('[alert_manager]\nvtp_subscribe = nowhere\n')),
      /vtp_subscribe: "nowhere": expected HOST:PORT/,
    );
    assert.throws(
      () => loadObservatorySettings(join(dir, 'missing.ini')),
      /cannot read the observatory settings/,
    );
  });

  it("reads the dashboard's allowed origins, and refuses what is not an origin", () => {
    const s = loadObservatorySettings(
      write('[dashboard]\nallowed_origins = https://dome.example.org, http://10.0.0.5:8080/\n'),
    );
    assert.deepEqual(s.dashboard.allowed_origins, ['https://dome.example.org', 'http://10.0.0.5:8080']);
    assert.deepEqual(loadObservatorySettings(write('')).dashboard.allowed_origins, []);
    for (const bad of ['dome.example.org', 'https://dome.example.org/path', 'ftp://x', 'http://x?y=1']) {
      assert.throws(
        () => loadObservatorySettings(write(`[dashboard]\nallowed_origins = ${bad}\n`)),
        /\[dashboard\] allowed_origins: .* is not an origin \(http:\/\/host\[:port\] or https:\/\/host\[:port\], no path\)$/,
        bad,
      );
    }
  });

  it('parses exposure lists', () => {
    assert.deepEqual(parseExposures('R:60x3, V:30.5x1'), [
      { filter: 'R', exposureS: 60, count: 3 },
      { filter: 'V', exposureS: 30.5, count: 1 },
    ]);
    assert.throws(() => parseExposures('R:60'), /"R:60" is not FILTER:SECONDSxCOUNT/);
    assert.throws(() => parseExposures('R:0x3'), /must be > 0/);
  });
});
