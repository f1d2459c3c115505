/**
 * The routine requests file (`observatory/routine-requests.json`): the targets the telescope
 * observes when no alert is pending. JSON, checked field by field:
 *
 * ```json
 * { "comment": "free text",
 *   "requests": [
 *     { "id": "m31", "targetName": "M31", "target": { "raDeg": 10.6847, "decDeg": 41.2688 },
 *       "priority": 5, "exposures": [{ "filter": "L", "exposureS": 60, "count": 5 }],
 *       "window": { "start": "2026-12-01T18:00:00Z", "end": "2026-12-02T06:00:00Z" },
 *       "minAltitudeDeg": 30, "moonSeparationDeg": 30 } ] }
 * ```
 * `window`, `minAltitudeDeg`, `moonSeparationDeg`, `cadenceH` and `everyNights` are optional;
 * coordinates are J2000. A request is observed once a night; with `cadenceH` as often as the night
 * allows, each visit starting at least that many hours after the previous one ended (a night's
 * visit counts for the next night too); with `everyNights: N`, on one night in N (none on the
 * N - 1 nights after a night with a visit).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ObservationRequest } from './request.js';

const Exposure = z.strictObject({
  filter: z.string().trim().min(1),
  exposureS: z.number().positive().max(86_400),
  count: z.int().min(1).max(10_000),
});

const RoutineRequest = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-"'),
  targetName: z.string().trim().min(1),
  target: z.strictObject({
    raDeg: z.number().min(0).lt(360),
    decDeg: z.number().min(-90).max(90),
  }),
  priority: z.int().min(1).max(10),
  exposures: z.array(Exposure).min(1),
  window: z
    .strictObject({ start: z.iso.datetime(), end: z.iso.datetime() })
    .refine((w) => Date.parse(w.start) < Date.parse(w.end), {
      message: 'start must be before end',
      path: ['end'],
    })
    .optional(),
  minAltitudeDeg: z.number().min(0).max(89).optional(),
  moonSeparationDeg: z.number().min(0).max(180).optional(),
  cadenceH: z
    .number()
    .min(1 / 60)
    .max(366 * 24)
    .optional(),
  everyNights: z.int().min(1).max(366).optional(),
});

/** A routine request as read: an observation request, and on how many nights in a row it is not repeated. */
export type RoutineRequest = ObservationRequest & { readonly everyNights?: number };

const RoutineFile = z
  .strictObject({
    comment: z.string().optional(),
    requests: z.array(RoutineRequest),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.requests.forEach((r, i) => {
      const first = seen.get(r.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['requests', i, 'id'],
          message: `"${r.id}" repeats requests[${first}].id`,
        });
      }
      seen.set(r.id, i);
    });
  });

/** `requests[3].exposures[0].filter`, as a person would write the path. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/**
 * Reads the routine requests: each becomes a pending `routine` request created at `now`.
 *
 * @throws Error, one line naming the file and the bad field (e.g.
 *   `observatory/routine-requests.json: requests[2].priority: Too big: expected number to be <=10`),
 *   when the file is unreadable, not JSON or not a routine requests file.
 */
export function loadRoutineRequests(path: string, now: number): RoutineRequest[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read the routine requests (${(err as NodeJS.ErrnoException).code})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const parsed = RoutineFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${fieldPath(issue.path)}: ` : '';
    throw new Error(`${path}: ${where}${issue?.message ?? 'invalid'}`.replace(/\r?\n/g, ' '));
  }
  return parsed.data.requests.map((r) => ({
    id: r.id,
    kind: 'routine',
    targetName: r.targetName,
    target: r.target,
    priority: r.priority,
    exposures: r.exposures,
    ...(r.window && { window: { start: Date.parse(r.window.start), end: Date.parse(r.window.end) } }),
    ...(r.minAltitudeDeg !== undefined && { minAltitudeDeg: r.minAltitudeDeg }),
    ...(r.moonSeparationDeg !== undefined && { moonSeparationDeg: r.moonSeparationDeg }),
    ...(r.cadenceH !== undefined && { cadenceS: Math.round(r.cadenceH * 3600) }),
    ...(r.everyNights !== undefined && { everyNights: r.everyNights }),
    createdAt: now,
    state: 'pending',
  }));
}
