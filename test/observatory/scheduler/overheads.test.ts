import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockDurationMs, checkOverheads, slewMs } from '../../../src/observatory/scheduler/overheads.js';
import type { ObservationRequest } from '../../../src/observatory/scheduler/request.js';

const OVERHEADS = { slewDegPerS: 3, settleS: 10, readoutS: 10, filterChangeS: 5 };

test('a block lasts its exposures, readouts and filter changes (the first one included)', () => {
  const request = {
    exposures: [
      { filter: 'L', exposureS: 60, count: 5 },
      { filter: 'L', exposureS: 30, count: 2 },
      { filter: 'R', exposureS: 60, count: 1 },
    ],
  } as unknown as ObservationRequest;
  // 5 x 70 + 2 x 40 + 1 x 70 = 500 s of exposure and readout, two filter changes (L, then R).
  assert.equal(blockDurationMs(request, OVERHEADS), 510_000);
  assert.equal(blockDurationMs(request, { ...OVERHEADS, readoutS: 0, filterChangeS: 0 }), 420_000);
});

test('a slew is its angle at the slew speed, plus settling; with no previous pointing only settling', () => {
  assert.equal(slewMs({ raDeg: 0, decDeg: 0 }, { raDeg: 90, decDeg: 0 }, OVERHEADS), 40_000);
  assert.equal(slewMs({ raDeg: 10, decDeg: 20 }, { raDeg: 10, decDeg: 20 }, OVERHEADS), 10_000);
  assert.equal(slewMs(undefined, { raDeg: 90, decDeg: 0 }, OVERHEADS), 10_000);
});

test('overheads that are not speeds or durations are refused', () => {
  checkOverheads(OVERHEADS);
  assert.throws(() => checkOverheads({ ...OVERHEADS, slewDegPerS: 0 }), /slewDegPerS 0 is not a speed > 0/);
  assert.throws(() => checkOverheads({ ...OVERHEADS, readoutS: -1 }), /readoutS -1 is not a duration/);
  assert.throws(() => checkOverheads({ ...OVERHEADS, settleS: Number.NaN }), /settleS NaN/);
});
