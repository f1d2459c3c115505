// The routine requests file: the shipped one, and mistakes in real files.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nightOf } from '../../../src/observatory/astro/night.js';
import { altAz } from '../../../src/observatory/astro/positions.js';
import { loadSite } from '../../../src/observatory/astro/site-file.js';
import { loadRoutineRequests } from '../../../src/observatory/scheduler/routine-requests.js';
import { tempDir } from '../../helpers.js';

const SHIPPED = fileURLToPath(new URL('../../../observatory/routine-requests.json', import.meta.url));
const SITE = fileURLToPath(new URL('../../../observatory/site.ini', import.meta.url));
const NOW = Date.parse('2026-12-01T12:00:00Z');

function requestsFile(content: unknown): string {
  const path = join(tempDir('pyros-routine-'), 'routine-requests.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const GOOD = {
  id: 'm31',
  targetName: 'M31',
  target: { raDeg: 10.6847, decDeg: 41.2688 },
  priority: 5,
  exposures: [{ filter: 'L', exposureS: 60, count: 5 }],
};

test('the shipped file: pending routine requests in the known filters, each at least 35 deg high in the dark of some month at Calern', () => {
  const requests = loadRoutineRequests(SHIPPED, NOW);
  assert.ok(requests.length >= 100, `${requests.length} requests`);
  assert.equal(new Set(requests.map((r) => r.id)).size, requests.length);
  assert.ok(
    requests.some((r) => r.cadenceS !== undefined) && requests.some((r) => r.everyNights !== undefined),
  );
  const site = loadSite(SITE);
  const darks = Array.from({ length: 12 }, (_, m) => {
    const night = nightOf(site, `2027-${String(m + 1).padStart(2, '0')}-21`);
    return night.dark ?? assert.fail('no dark window');
  });
  for (const r of requests) {
    assert.equal(r.kind, 'routine');
    assert.equal(r.state, 'pending');
    assert.equal(r.createdAt, NOW);
    assert.ok(r.priority >= 1 && r.priority <= 10);
    for (const e of r.exposures) assert.ok(['L', 'R', 'V', 'B', 'Clear'].includes(e.filter), e.filter);
    let best = -90;
    for (const dark of darks)
      for (let t = dark.start; t <= dark.end; t += 15 * 60_000)
        best = Math.max(best, altAz(site, r.target, t).altDeg);
    assert.ok(best >= 35, `${r.targetName} culminates at ${best.toFixed(1)} deg in the dark of any month`);
  }
});

test('cadenceH becomes cadenceS; everyNights is kept', () => {
  const [r, s] = loadRoutineRequests(
    requestsFile({
      requests: [
        { ...GOOD, cadenceH: 1.5 },
        { ...GOOD, id: 'm33', everyNights: 3 },
      ],
    }),
    NOW,
  );
  assert.equal(r?.cadenceS, 5400);
  assert.equal(r?.everyNights, undefined);
  assert.equal(s?.everyNights, 3);
  assert.equal(s?.cadenceS, undefined);
  assert.throws(
    () => loadRoutineRequests(requestsFile({ requests: [{ ...GOOD, cadenceH: 0 }] }), NOW),
    /requests\[0\]\.cadenceH: /,
  );
});

test('optional fields: the window becomes ms, limits are kept', () => {
  const [r] = loadRoutineRequests(
    requestsFile({
      requests: [
        {
          ...GOOD,
          window: { start: '2026-12-01T18:00:00Z', end: '2026-12-02T02:30:00.500Z' },
          minAltitudeDeg: 30,
          moonSeparationDeg: 40,
        },
      ],
    }),
    NOW,
  );
  assert.deepEqual(r?.window, {
    start: Date.UTC(2026, 11, 1, 18),
    end: Date.UTC(2026, 11, 2, 2, 30, 0, 500),
  });
  assert.equal(r?.minAltitudeDeg, 30);
  assert.equal(r?.moonSeparationDeg, 40);
  const [plain] = loadRoutineRequests(requestsFile({ comment: 'x', requests: [GOOD] }), NOW);
  assert.equal(plain && 'window' in plain, false);
});

test('mistakes are one line naming the file and the field', () => {
  const exposure = GOOD.exposures[0];
  const cases: [unknown, RegExp][] = [
    ['{"requests": [', /: not JSON \(/],
    [{ request: [] }, /: request: Unrecognized key|: requests: /],
    [{ requests: [{ ...GOOD, priority: 11 }] }, /: requests\[0\]\.priority: Too big/],
    [{ requests: [GOOD, { ...GOOD, id: 'x', priority: 2.5 }] }, /: requests\[1\]\.priority: /],
    [
      { requests: [{ ...GOOD, exposures: [{ ...exposure, filtre: 'R' }] }] },
      /: requests\[0\]\.exposures\[0\]: Unrecognized key: "filtre"/,
    ],
    [
      { requests: [{ ...GOOD, exposures: [{ ...exposure, count: 0 }] }] },
      /: requests\[0\]\.exposures\[0\]\.count: Too small/,
    ],
    [{ requests: [{ ...GOOD, exposures: [] }] }, /: requests\[0\]\.exposures: Too small/],
    [
      { requests: [{ ...GOOD, target: { raDeg: 360, decDeg: 0 } }] },
      /: requests\[0\]\.target\.raDeg: Too big/,
    ],
    [{ requests: [GOOD, GOOD] }, /: requests\[1\]\.id: "m31" repeats requests\[0\]\.id/],
    [{ requests: [{ ...GOOD, id: 'a b' }] }, /: requests\[0\]\.id: must be letters/],
    [
      { requests: [{ ...GOOD, window: { start: '2026-12-02T00:00:00Z', end: '2026-12-01T00:00:00Z' } }] },
      /: requests\[0\]\.window\.end: start must be before end/,
    ],
    [
      { requests: [{ ...GOOD, window: { start: '2026-12-01 18:00', end: '2026-12-02T00:00:00Z' } }] },
      /: requests\[0\]\.window\.start: Invalid ISO datetime/,
    ],
  ];
  for (const [content, expected] of cases) {
    const path = requestsFile(content);
    assert.throws(
      () => loadRoutineRequests(path, NOW),
      (err: Error) => {
        assert.ok(err.message.startsWith(`${path}: `), err.message);
        assert.match(err.message, expected);
        assert.ok(!err.message.includes('\n'), err.message);
        return true;
      },
    );
  }
  assert.throws(
    () => loadRoutineRequests('/nonexistent/r.json', NOW),
    (err: Error) => err.message === '/nonexistent/r.json: cannot read the routine requests (ENOENT)',
  );
});
