import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { launchChromium } from './browser.js';

describe('launchChromium', () => {
  it('fails, saying what to install, when Chromium is missing', async () => {
    await assert.rejects(
      launchChromium('/nonexistent/chromium'),
      /Chromium at \/nonexistent\/chromium: apt-get install chromium/,
    );
  });
});
