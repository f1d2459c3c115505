// Tonight's plan as a timeline: sunset to sunrise, the twilights shaded, one bar per block, and a
// line at the current time. Plain DOM positioned in percent, so it resizes with the page for free.
import { el, fill, utc } from './dom.js';

/**
 * Twilight bands between the night's events, in order: [from, to, kind]. Kinds are CSS classes.
 * @type {Array<[string, string, string]>}
 */
const BANDS = [
  ['sunset', 'civilDusk', 'civil'],
  ['civilDusk', 'nauticalDusk', 'nautical'],
  ['nauticalDusk', 'astronomicalDusk', 'astronomical'],
  ['astronomicalDusk', 'astronomicalDawn', 'night'],
  ['astronomicalDawn', 'nauticalDawn', 'astronomical'],
  ['nauticalDawn', 'civilDawn', 'nautical'],
  ['civilDawn', 'sunrise', 'civil'],
];

/** What the drawn timeline shows, so that only the current-time line moves between plan changes. */
let drawn = '';

/**
 * Draws the plan's timeline. The bars are rebuilt only when the plan or the night changes: stable
 * elements keep their tooltips under the pointer, and the tests can measure them.
 * @param {{version?: number, night?: Record<string, any>, blocks?: Array<Record<string, any>>} | null | undefined} plan
 * @param {number} now the observatory's time (ms)
 */
export function renderTimeline(plan, now) {
  const night = plan?.night;
  const start = night?.sunset;
  const end = night?.sunrise;
  if (typeof start !== 'number' || typeof end !== 'number' || end <= start) {
    fill('timeline', el('p', { class: 'muted' }, 'no plan yet'));
    fill('plan-summary', '');
    drawn = '';
    return;
  }
  /** Percent of the night at time `t`, clamped to the timeline. */
  const at = (t) => Math.min(100, Math.max(0, ((t - start) / (end - start)) * 100));
  const span = (from, to) => ({ style: `left:${at(from)}%;width:${Math.max(0.2, at(to) - at(from))}%` });
  const key = JSON.stringify([plan.version, night, plan.blocks]);
  if (key === drawn) {
    moveNowLine(now, start, end, at);
    return;
  }
  drawn = key;

  const bands = BANDS.filter(([a, b]) => typeof night[a] === 'number' && typeof night[b] === 'number').map(
    ([a, b, kind]) =>
      el('div', {
        class: `band band-${kind}`,
        'data-testid': 'timeline-band',
        'data-kind': kind,
        ...span(night[a], night[b]),
        title: `${kind}: ${utc(night[a])}–${utc(night[b])}`,
      }),
  );
  const blocks = (plan.blocks ?? []).map((b) =>
    el(
      'div',
      {
        class: `block block-${b.kind}`,
        'data-testid': 'timeline-block',
        'data-target': b.targetName,
        'data-kind': b.kind,
        'data-request': b.requestId,
        ...span(b.start, b.end),
        title: `${b.targetName} (${b.kind}, priority ${b.priority}): ${utc(b.start)}–${utc(b.end)}, altitude ${Math.round(b.altitudeDeg ?? Number.NaN)}°`,
      },
      el('span', { class: 'block-label' }, b.targetName),
    ),
  );
  const ticks = hourTicks(start, end).map((t) =>
    el('div', { class: 'tick', style: `left:${at(t)}%` }, el('span', {}, utc(t).slice(0, 5))),
  );
  fill(
    'timeline',
    el(
      'div',
      { class: 'timeline-track' },
      ...bands,
      ...blocks,
      el('div', { class: 'now-line', 'data-testid': 'timeline-now' }),
    ),
    el('div', { class: 'timeline-axis' }, ...ticks),
  );
  fill(
    'plan-summary',
    `plan v${plan.version ?? '?'} for the night of ${night.date ?? '?'}: ${plan.blocks?.length ?? 0} blocks; ` +
      `sunset ${utc(start)}, sunrise ${utc(end)} UTC`,
  );
  moveNowLine(now, start, end, at);
}

/**
 * Places the current-time line, hidden outside the night.
 * @param {number} now
 * @param {number} start
 * @param {number} end
 * @param {(t: number) => number} at percent of the night
 */
function moveNowLine(now, start, end, at) {
  const line = document.querySelector('[data-testid="timeline-now"]');
  if (!(line instanceof HTMLElement)) return;
  line.hidden = now < start || now > end;
  line.style.left = `${at(now)}%`;
  line.title = `now ${utc(now)}`;
}

/**
 * Whole hours between two times.
 * @param {number} start
 * @param {number} end
 * @returns {number[]}
 */
function hourTicks(start, end) {
  const hour = 3_600_000;
  const ticks = [];
  for (let t = Math.ceil(start / hour) * hour; t <= end; t += hour) ticks.push(t);
  return ticks;
}
