import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { currentNight, planningWindow } from '../../../src/observatory/agents/planning-window.js';
import { nightOf } from '../../../src/observatory/astro/night.js';
import { loadSite } from '../../../src/observatory/astro/site-file.js';
import { SHIPPED } from '../observatory-fixture.js';

const site = loadSite(join(SHIPPED, 'site.ini'));
const night = nightOf(site, '2026-11-29');

describe('planning window', () => {
  it('covers the night in progress up to its sunrise', () => {
    const midnight = night.midnight;
    assert.deepEqual(planningWindow(site, midnight), { from: midnight, until: night.sunrise });
  });

  it('after sunrise, is the coming night (a date later), even in the minutes before local noon', () => {
    const justAfterSunrise = (night.sunrise as number) + 1;
    assert.equal(currentNight(site, justAfterSunrise).date, '2026-11-30');
    assert.equal(planningWindow(site, justAfterSunrise).until, nightOf(site, '2026-11-30').sunrise);
  });
});
