// The site file and --site, read from real files.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  loadSite,
  parseSite,
  parseSiteOption,
  SITE_LIMIT_DEFAULTS,
} from '../../../src/observatory/astro/site-file.js';
import { tempDir } from '../../helpers.js';

const SHIPPED = fileURLToPath(new URL('../../../observatory/site.ini', import.meta.url));

/** Matches the error's message itself (assert.throws with a RegExp would see "Name: message"). */
const message = (re: RegExp) => (err: unknown) => err instanceof Error && re.test(err.message);

function siteFile(text: string): string {
  const path = join(tempDir('pyros-site-'), 'site.ini');
  writeFileSync(path, text);
  return path;
}

test('the shipped site is TAROT at Calern', () => {
  const site = loadSite(SHIPPED);
  assert.match(site.name, /TAROT/);
  assert.equal(site.latitudeDeg, 43.7523);
  assert.equal(site.longitudeDeg, 6.9219);
  assert.equal(site.heightM, 1270);
  assert.equal(site.horizonLimitDeg, 20);
  assert.equal(site.sunLimitDeg, -12);
  assert.equal(site.moonSeparationDeg, 15);
});

test('limits default when absent; [DEFAULT] keys are inherited as configparser does', () => {
  const site = loadSite(
    siteFile(
      '[DEFAULT]\nheight_m = 2400\n[site]\nname = La Silla\nlatitude = -29.2567\nlongitude = -70.73\n',
    ),
  );
  assert.deepEqual(site, {
    name: 'La Silla',
    latitudeDeg: -29.2567,
    longitudeDeg: -70.73,
    heightM: 2400,
    ...SITE_LIMIT_DEFAULTS,
  });
  assert.deepEqual(SITE_LIMIT_DEFAULTS, { horizonLimitDeg: 20, sunLimitDeg: -12, moonSeparationDeg: 15 });
});

test('mistakes are one line naming the file, line, section and key', () => {
  const base = '[site]\nname = X\nlatitude = 43\nlongitude = 7\nheight_m = 100\n';
  const cases: [string, RegExp][] = [
    [
      `${base}horizon_limt_deg = 20\n`,
      /^.*site\.ini:6: \[site\] horizon_limt_deg: unknown key \(known: name, latitude/,
    ],
    [
      '[site]\nname = X\nlatitude = 91\nlongitude = 7\nheight_m = 1\n',
      /site\.ini:3: \[site\] latitude: "91" is not a latitude/,
    ],
    [
      '[site]\nname = X\nlatitude = 43\nlongitude = 7 E\nheight_m = 1\n',
      /site\.ini:4: \[site\] longitude: "7 E" is not a longitude/,
    ],
    [`${base}sun_limit_deg = 5\n`, /\[site\] sun_limit_deg: "5" is not a Sun altitude limit/],
    [`${base}moon_separation_deg =\n`, /\[site\] moon_separation_deg: "" is not an angle/],
    ['[site]\nname = X\nlatitude = 43\nheight_m = 1\n', /site\.ini:1: \[site\] longitude: is required/],
    ['[site]\nlatitude = 43\nlongitude = 7\nheight_m = 1\n', /\[site\] name: is required/],
    [`${base}[telescope]\nmodel = x\n`, /site\.ini:6: \[telescope\] unknown section/],
    ['[observatory]\nname = X\n', /\[observatory\] unknown section/],
    ['name = X\n', /site\.ini:1: text before the first \[section\]/],
  ];
  for (const [text, expected] of cases) {
    const path = siteFile(text);
    assert.throws(
      () => loadSite(path),
      (err: Error) => {
        assert.match(err.message, expected, text);
        assert.ok(err.message.startsWith(path), err.message);
        assert.ok(!err.message.includes('\n'));
        return true;
      },
    );
  }
  assert.throws(() => parseSite('', 'empty.ini'), message(/^empty\.ini: no section \[site\]$/));
  assert.throws(
    () => loadSite('/nonexistent/site.ini'),
    message(/^\/nonexistent\/site\.ini: cannot read the site file \(ENOENT\)$/),
  );
});

test('--site LAT,LON,HEIGHT_M', () => {
  assert.deepEqual(parseSiteOption('-29.2567, -70.73,2400'), {
    name: '-29.2567,-70.73',
    latitudeDeg: -29.2567,
    longitudeDeg: -70.73,
    heightM: 2400,
    ...SITE_LIMIT_DEFAULTS,
  });
  for (const bad of ['', '43,7', '43,7,100,5', '95,7,100', '43,190,100', 'a,b,c', '43,,100']) {
    assert.throws(() => parseSiteOption(bad), message(/^--site: ".*" is not LAT,LON,HEIGHT_M/), bad);
  }
});
