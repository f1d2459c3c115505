// The night at the top of the page, as the majordome (its owner) says it: its state and cause
// in words, why, since when; and a warning when the dome is open while the night is closed.
import { byTestId, el, fill, when } from './dom.js';

/** What each cause of a `closed` or `day` night reads as. */
const CLOSED_FOR = {
  dawn: 'closed for dawn',
  dusk: 'day',
  weather: 'closed for weather',
  silence: 'closed: no weather verdict',
  device: 'closed: a device is down',
};

/**
 * The night's state in words: `observing`, `paused`, `closed for weather`, `closed for dawn`…;
 * `opening` too while the observation manager opens the dome or slews for the block being started.
 * @param {Record<string, any>} execution the majordome's `Execution` reply
 * @param {Record<string, any> | null | undefined} now the Now view (devices)
 */
export function nightLabel(execution, now) {
  const { state, cause } = execution;
  if (state === 'day' || state === 'closed') return CLOSED_FOR[cause] ?? state;
  const dome = now?.dome;
  const moving = dome === 'opening' || now?.telescope?.status === 'slewing';
  if (state === 'observing' && moving && now?.observation == null) return 'opening';
  return state;
}

/**
 * The night banner.
 * @param {Record<string, any> | null | undefined} now the Now view: `execution` (the majordome's), devices
 */
export function renderNight(now) {
  const execution = now?.execution;
  const badge = byTestId('night-state');
  if (execution === null || execution === undefined) {
    badge.className = 'state night-unknown';
    badge.dataset.state = 'unknown';
    delete badge.dataset.cause;
    badge.textContent = 'unknown';
    const error = (now?.error ?? '').split('; ').find((e) => e.startsWith('majordome: '));
    fill('night-why', el('span', { class: 'error-text' }, error ?? 'the majordome does not answer'));
    fill('night-warning', '');
    return;
  }
  const label = nightLabel(execution, now);
  badge.className = `state night-${execution.state} night-${label.replace(/[^a-z]+/g, '-')}`;
  badge.dataset.state = execution.state;
  badge.dataset.label = label;
  if (execution.cause) badge.dataset.cause = execution.cause;
  else delete badge.dataset.cause;
  badge.textContent = label;
  const paused = execution.paused;
  fill(
    'night-why',
    execution.why,
    typeof execution.since === 'number'
      ? el('span', { class: 'muted', 'data-testid': 'night-since' }, ` (since ${when(execution.since)})`)
      : '',
    // A Pause that outlasts a closing (the weather closed while paused) is said too.
    paused && execution.state !== 'paused'
      ? el('span', { class: 'muted' }, `; paused by the operator at ${when(paused.since)} (${paused.reason})`)
      : '',
  );
  const dome = now?.dome;
  const openWhileClosed =
    (execution.state === 'day' || execution.state === 'closed') && (dome === 'open' || dome === 'opening');
  fill(
    'night-warning',
    openWhileClosed
      ? el(
          'span',
          { class: 'error-text' },
          `the dome is ${dome} although the night is closed: it is being closed`,
        )
      : '',
  );
}
