// The night as a timeline: sunset to sunrise, the twilights shaded, two lanes of blocks (what was
// observed, from the observation manager's history, and what is planned, from the scheduler),
// the alerts received as markers, a line at the current time, and the same blocks as a list under
// the chart. Plain DOM positioned in percent, so it resizes with the page for free.
import { el, fill, hourMinute, when } from './dom.js';
import { nightItems } from './timeline-items.js';

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

/** What the drawn timeline shows, so that only the current-time line moves between changes. */
let drawn = '';

/**
 * Draws the night's timeline and its list. Rebuilt only when what it shows changes: stable
 * elements keep their tooltips under the pointer, and the tests can measure them.
 * @param {Record<string, any> | null | undefined} plan the state's plan (blocks, observed, night)
 * @param {Array<Record<string, any>>} alerts the state's alerts (newest first)
 * @param {number} now the observatory's time (ms)
 */
export function renderTimeline(plan, alerts, now) {
  const night = plan?.night;
  const start = night?.sunset;
  const end = night?.sunrise;
  if (typeof start !== 'number' || typeof end !== 'number' || end <= start) {
    fill('timeline', el('p', { class: 'muted' }, 'no night to show (the Sun does not set)'));
    fill('timeline-list', '');
    fill('plan-summary', '');
    drawn = '';
    return;
  }
  const items = nightItems(plan, now, alerts).filter((i) => i.end > start && i.start < end);
  const marks = alerts.filter((a) => a.receivedAt >= start && a.receivedAt <= end);
  /** Percent of the night at time `t`, clamped to the timeline. */
  const at = (t) => Math.min(100, Math.max(0, ((t - start) / (end - start)) * 100));
  const span = (from, to) => `left:${at(from)}%;width:${Math.max(0.3, at(to) - at(from))}%`;
  const key = JSON.stringify([plan.version, night, items, marks.map((a) => [a.ivorn, a.receivedAt])]);
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
        style: span(night[a], night[b]),
        title: `${kind === 'night' ? 'night' : `${kind} twilight`}: ${when(night[a])} – ${when(night[b])}`,
      }),
  );
  const blocks = items.map((item) =>
    el(
      'div',
      {
        class: `block block-${item.kind} block-${item.state} lane-${item.lane}`,
        'data-testid': 'timeline-block',
        'data-target': item.targetName,
        'data-kind': item.kind,
        'data-state': item.state,
        'data-request': item.requestId,
        style: span(item.start, item.end),
        title: itemTitle(item),
      },
      el('span', { class: 'block-label' }, item.targetName),
    ),
  );
  const markers = marks.map((a) =>
    el('div', {
      class: 'alert-mark',
      'data-testid': 'timeline-alert',
      'data-ivorn': a.ivorn,
      style: `left:${at(a.receivedAt)}%`,
      title: `alert ${a.ivorn} received ${when(a.receivedAt)}: ${a.outcome}${a.reason ? ` (${a.reason})` : ''}`,
    }),
  );
  const ticks = hourTicks(start, end).map((t) =>
    el('div', { class: 'tick', style: `left:${at(t)}%` }, el('span', {}, hourMinute(t))),
  );
  fill(
    'timeline',
    el(
      'div',
      { class: 'timeline-track' },
      ...bands,
      el('span', { class: 'lane-name lane-name-observed' }, 'observed'),
      el('span', { class: 'lane-name lane-name-planned' }, 'planned'),
      ...blocks,
      ...markers,
      el('div', { class: 'now-line', 'data-testid': 'timeline-now' }),
    ),
    el('div', { class: 'timeline-axis' }, ...ticks, el('span', { class: 'axis-unit' }, 'UTC')),
  );
  renderList(items);
  const counts = ['done', 'running', 'planned', 'failed'].map(
    (s) => `${items.filter((i) => i.state === s || (s === 'failed' && i.state === 'aborted')).length} ${s}`,
  );
  fill(
    'plan-summary',
    `night of ${night.date ?? '?'}: sunset ${when(start)}, sunrise ${when(end)}; plan v${plan.version ?? '?'}; ` +
      `${counts.join(', ')}`,
  );
  moveNowLine(now, start, end, at);
  hideClippedLabels();
}

/**
 * A block's tooltip: target, times, state and why.
 * @param {import('./timeline-items.js').NightItem} item
 */
function itemTitle(item) {
  return (
    `${item.targetName} (${item.kind}${item.priority === undefined ? '' : `, priority ${item.priority}`}): ` +
    `${when(item.start)} – ${when(item.end)}, ${item.state}${item.reason ? `: ${item.reason}` : ''}`
  );
}

/**
 * The list under the chart: every block, in time order, with its times, target and state.
 * @param {Array<import('./timeline-items.js').NightItem>} items
 */
function renderList(items) {
  if (items.length === 0) {
    fill(
      'timeline-list',
      el('tr', { class: 'empty' }, el('td', { colspan: 4, class: 'muted' }, 'no block tonight')),
    );
    return;
  }
  fill(
    'timeline-list',
    ...items.map((item) =>
      el(
        'tr',
        { 'data-testid': 'timeline-item', 'data-state': item.state, 'data-target': item.targetName },
        el('td', { class: 'time' }, `${when(item.start)} – ${when(item.end)}`),
        el('td', {}, item.targetName),
        el('td', {}, item.kind),
        el(
          'td',
          {},
          el('span', { class: `chip item-${item.state}` }, item.state),
          item.reason ? el('span', { class: 'muted' }, ` ${item.reason}`) : '',
        ),
      ),
    ),
  );
}

/**
 * Shows each block's name where it fits whole: on the block and the free time after it in its
 * lane, up to the next block (or the end of the night); else hides it (the tooltip and the list
 * still name it). Nothing is cut.
 */
export function hideClippedLabels() {
  const track = document.querySelector('.timeline-track');
  if (!(track instanceof HTMLElement)) return;
  for (const lane of ['observed', 'planned']) {
    const blocks = /** @type {HTMLElement[]} */ ([...track.querySelectorAll(`.block.lane-${lane}`)]).sort(
      (a, b) => a.offsetLeft - b.offsetLeft,
    );
    blocks.forEach((block, i) => {
      const label = block.querySelector('.block-label');
      if (!(label instanceof HTMLElement)) return;
      const next = blocks[i + 1];
      const room = (next === undefined ? track.clientWidth : next.offsetLeft) - block.offsetLeft;
      label.hidden = false;
      label.hidden = label.offsetWidth > room;
    });
  }
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
  line.title = `now ${when(now)}`;
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
