import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { nightOf } from '../../../src/observatory/astro/night.js';
import { loadSite } from '../../../src/observatory/astro/site-file.js';
import { tonight } from '../../../src/observatory/clock/sim-session.js';
import { SHIPPED } from '../observatory-fixture.js';

const site = loadSite(join(SHIPPED, 'site.ini'));
const night = nightOf(site, '2026-11-29');
const HOUR = 3_600_000;

describe('--sim-start tonight', () => {
  it('is the coming sunset in the afternoon', () => {
    assert.equal(tonight(site, (night.sunset as number) - 3 * HOUR), night.sunset);
  });

  it('is now early in the night, and the next sunset near dawn', () => {
    const evening = (night.sunset as number) + 2 * HOUR;
    assert.equal(tonight(site, evening), evening);
    const nearDawn = (night.dark?.end as number) - HOUR;
    assert.equal(tonight(site, nearDawn), nightOf(site, '2026-11-30').sunset);
  });
});
