// The "nothing observed twice" check of the end-to-end tests, on made-up observations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { visitsTwice } from './visits.js';

const H = 3_600_000;
const done = (requestId: string, startedAt: number, endedAt = startedAt + 60_000) => ({
  requestId,
  state: 'done' as const,
  startedAt,
  endedAt,
});

test('a request without a cadence done twice is caught; one with a cadence only within its cadence', () => {
  const cadence = (id: string) => (id === 'mon' ? 3600 : undefined);
  assert.deepEqual(visitsTwice([done('once', 0), done('mon', 0), done('mon', H + 60_000)], cadence), []);
  assert.equal(visitsTwice([done('once', 0), done('once', 2 * H)], cadence).length, 1);
  assert.equal(visitsTwice([done('mon', 0), done('mon', 20 * 60_000)], cadence).length, 1);
  // Aborted or failed observations are no visits.
  assert.deepEqual(
    visitsTwice([done('once', 0), { ...done('once', H), state: 'aborted' as const }], cadence),
    [],
  );
});
