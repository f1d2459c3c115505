// Renders the Alerts section: the sources notices come from, then each notice and its decision.
import { el, fill, num, when } from './dom.js';

/**
 * Where a notice says its source is: a circle, or a sky map's 90 % area.
 * @param {Record<string, any>} a
 */
function where(a) {
  if (typeof a.raDeg === 'number') return `${num(a.raDeg, 3)} ${num(a.decDeg, 3)} ±${num(a.errorDeg, 3)}`;
  if (typeof a.area90Deg2 === 'number') return `sky map, ${num(a.area90Deg2, 0)} deg² (90 %)`;
  return '—';
}

/**
 * Each notice, its decision and what became of its request.
 * @param {Array<Record<string, any>>} alerts
 */
export function renderAlerts(alerts) {
  if (alerts.length === 0) {
    return fill(
      'alerts-body',
      el('tr', { class: 'empty' }, el('td', { colspan: 6, class: 'muted' }, 'no alert received')),
    );
  }
  fill(
    'alerts-body',
    ...alerts.map((a) =>
      el(
        'tr',
        { 'data-testid': 'alert-row', 'data-ivorn': a.ivorn, 'data-outcome': a.outcome },
        el('td', { class: 'time' }, when(a.receivedAt)),
        el('td', { class: 'ivorn' }, a.ivorn),
        el(
          'td',
          {},
          [a.mission, a.instrument, a.packetName].filter(Boolean).join(' / ') || '—',
          a.classification
            ? el('span', { class: 'chip', 'data-testid': 'alert-class' }, a.classification)
            : '',
        ),
        el('td', { class: 'num' }, where(a)),
        el(
          'td',
          {},
          el('span', { class: `chip outcome-${a.outcome}`, 'data-testid': 'alert-outcome' }, a.outcome),
          ' ',
          el('span', { class: 'muted' }, a.reason ?? ''),
        ),
        el('td', { 'data-testid': 'alert-request-state' }, a.requestState ?? '—'),
      ),
    ),
  );
}

/**
 * The alert sources: each one's state and detail; a warning (a feed gone quiet) stands out.
 * @param {Array<Record<string, any>>} sources
 */
export function renderAlertSources(sources) {
  if (sources.length === 0)
    return fill(
      'alert-sources',
      el('span', { class: 'muted' }, 'no alert source (or the alert manager does not answer)'),
    );
  fill(
    'alert-sources',
    ...sources.map((s) =>
      el(
        'div',
        {
          class: `source source-${s.state}${s.warning ? ' warning' : ''}`,
          'data-testid': 'alert-source',
          'data-url': s.url,
          'data-state': s.state,
        },
        el('span', { class: 'chip' }, s.state),
        ' ',
        el('code', {}, s.url),
        ' ',
        el('span', { class: 'muted' }, s.detail),
        s.warning
          ? el('div', { class: 'warning-text', 'data-testid': 'alert-source-warning' }, s.warning)
          : '',
      ),
    ),
  );
}
