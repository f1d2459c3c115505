// Renders the tables of the page from the state the server sends (GET /api/state, docs/dashboard.md).
import { brief, duration, el, fill, num, when } from './dom.js';
import { nightLabel } from './night-view.js';

/**
 * A table's only row when there is nothing to list.
 * @param {number} columns
 * @param {string} text
 */
function emptyRow(columns, text) {
  return el('tr', { class: 'empty' }, el('td', { colspan: columns, class: 'muted' }, text));
}

/**
 * The Agents table: one row per configured agent, its state coloured.
 * @param {Array<{name: string, state: string, uptimeS?: number, received?: number, sent?: number, handled?: number, failed?: number, lastError?: string | null}>} agents
 */
export function renderAgents(agents) {
  const rows = agents.map((a) =>
    el(
      'tr',
      { 'data-testid': `agent-row-${a.name}`, 'data-state': a.state },
      el('td', {}, a.name),
      el(
        'td',
        {},
        el('span', { class: `state state-${a.state}`, 'data-testid': `agent-state-${a.name}` }, a.state),
      ),
      el('td', { class: 'num' }, a.state === 'up' ? duration(a.uptimeS) : '—'),
      el('td', { class: 'num' }, a.received ?? '—'),
      el('td', { class: 'num' }, a.sent ?? '—'),
      el('td', { class: 'num' }, a.failed ?? '—'),
      el('td', { class: 'error-text' }, a.lastError ?? ''),
    ),
  );
  fill('agents-body', ...rows);
}

/**
 * The task queue under the agents: counts by state, and the workers.
 * @param {{broker?: string, counts?: Record<string, number>, workers?: number, error?: string} | null | undefined} tasks
 */
export function renderTasks(tasks) {
  const counts = Object.entries(tasks?.counts ?? {});
  fill(
    'tasks-counts',
    el('span', { class: 'muted' }, `broker ${tasks?.broker ?? '—'}: `),
    ...(counts.length === 0
      ? [el('span', { class: 'muted' }, 'no tasks')]
      : counts.map(([state, n]) =>
          el(
            'span',
            { class: `chip task-${state}${n === 0 ? ' zero' : ''}`, 'data-state': state },
            `${state} ${n}`,
          ),
        )),
  );
  // The server counts the task workers in the analyzer's thread (`pyros worker` processes are not).
  const workers = tasks?.workers;
  fill(
    'tasks-workers',
    typeof workers === 'number'
      ? `${workers} task worker${workers === 1 ? '' : 's'} in the analyzer's thread`
      : el('span', { class: 'muted' }, 'workers unknown'),
    tasks?.error ? el('span', { class: 'error-text' }, ` (broker: ${tasks.error})`) : '',
  );
}

/**
 * The message log: newest first (by the observatory time each agent received it), with dates
 * where they are not tonight's.
 * @param {Array<{time: number, from: string, to: string, message: string}>} messages
 */
export function renderMessages(messages) {
  if (messages.length === 0) return fill('messages-body', emptyRow(4, 'no messages yet'));
  const ordered = messages.map((m, i) => ({ m, i })).sort((a, b) => b.m.time - a.m.time || a.i - b.i);
  fill(
    'messages-body',
    ...ordered.map(({ m }) =>
      el(
        'tr',
        { 'data-testid': 'message-row', 'data-time': m.time },
        el('td', { class: 'time' }, when(m.time)),
        el('td', {}, m.from),
        el('td', {}, m.to),
        el('td', {}, m.message),
      ),
    ),
  );
}

/** Weather readings shown, with the `limits` keys that bound them (rain: any is too much). */
const WEATHER = [
  { key: 'cloudCoverPct', label: 'cloud', unit: '%', digits: 0, limit: ['maxCloudPct'] },
  { key: 'rainMmPerH', label: 'rain', unit: 'mm/h', digits: 1, limit: ['maxRainMmPerH'], zero: true },
  { key: 'windSpeedMps', label: 'wind', unit: 'm/s', digits: 1, limit: ['maxWindMps'] },
  { key: 'humidityPct', label: 'humidity', unit: '%', digits: 0, limit: ['maxHumidityPct'] },
  { key: 'temperatureC', label: 'temperature', unit: '°C', digits: 1, limit: ['maxTemperatureC'] },
];

/**
 * The part of `now.error` (one line per agent that did not answer, `; ` between) about `agent`.
 * @param {string | undefined} error
 * @param {string} agent
 */
function errorOf(error, agent) {
  return (error ?? '').split('; ').find((e) => e.startsWith(`${agent}: `));
}

/**
 * Safe or unsafe, as a coloured badge; "no verdict" when unknown.
 * @param {boolean | null | undefined} safe
 * @param {string} unknown what to say when there is no verdict
 */
function safeBadge(safe, unknown) {
  const known = safe === true || safe === false;
  return el(
    'span',
    {
      class: `state ${safe === true ? 'state-up' : safe === false ? 'state-down' : ''}`,
      'data-safe': known ? String(safe) : 'unknown',
    },
    known ? (safe ? 'safe' : 'unsafe') : unknown,
  );
}

/**
 * The Now section: observation, telescope, dome, the observation manager's interlock, and the
 * weather: monitoring's verdict (safe or unsafe, why, until when it holds) and the readings
 * against their limits.
 * @param {{observation?: any, telescope?: {status?: unknown, pointing?: any}, dome?: unknown, filter?: unknown, interlock?: {safe: boolean, reason: string} | null, weather?: {reading?: any, safe?: boolean | null, reason?: string | null, validUntil?: number | null, limits?: Record<string, number> | null}, error?: string} | null | undefined} now
 * @param {number} time the observatory's time of this state
 */
export function renderNow(now, time) {
  const obs = now?.observation;
  const execution = now?.execution;
  const status = now?.telescope?.status;
  const omError = errorOf(now?.error, 'observation_manager');
  fill('now-observation', observationLine(obs, execution));
  const pointing = now?.telescope?.pointing;
  fill(
    'now-telescope',
    el(
      'span',
      { 'data-testid': 'telescope-status', 'data-status': String(status ?? 'unknown') },
      brief(status),
    ),
    pointing ? ` at RA ${num(pointing.raDeg, 3)}° Dec ${num(pointing.decDeg, 3)}°` : '',
    // Between blocks the telescope keeps tracking its last target (no observation runs): say so.
    status === 'tracking' && (obs === null || obs === undefined)
      ? el('span', { class: 'muted' }, ', holding its last target between blocks (no exposure)')
      : '',
    status === 'slewing' && obs ? el('span', { class: 'muted' }, ` to ${obs.targetName}`) : '',
    // The devices are unknown when the observation manager does not answer: say why.
    omError ? el('span', { class: 'error-text' }, ` (${omError})`) : '',
  );
  const dome = typeof now?.dome === 'object' && now?.dome !== null ? now.dome.state : now?.dome;
  fill('now-dome', el('span', { class: `state dome-${dome}`, 'data-state': String(dome) }, brief(dome)));
  fill('now-filter', brief(now?.filter));
  const interlock = now?.interlock;
  fill('now-interlock', safeBadge(interlock?.safe, 'unknown'), interlock ? ` ${interlock.reason}` : '');

  const weather = now?.weather;
  const reading = weather?.reading;
  const limits = weather?.limits ?? {};
  const validUntil = weather?.validUntil;
  const monitoringError = errorOf(now?.error, 'monitoring');
  fill(
    'weather-verdict',
    safeBadge(weather?.safe, 'no verdict yet'),
    weather?.reason ? el('span', { 'data-testid': 'weather-reason' }, ` ${weather.reason}`) : '',
    typeof validUntil === 'number'
      ? el(
          'span',
          { class: validUntil < time ? 'error-text' : 'muted' },
          validUntil < time ? ` (expired at ${when(validUntil)})` : ` (valid until ${when(validUntil)})`,
        )
      : '',
    reading ? el('span', { class: 'muted' }, `, reading at ${when(reading.time)}`) : '',
    monitoringError ? el('span', { class: 'error-text' }, ` ${monitoringError}`) : '',
  );
  fill(
    'weather-body',
    ...WEATHER.map((w) => {
      const value = reading?.[w.key];
      const limit = w.limit.map((k) => limits[k]).find((v) => typeof v === 'number');
      const over =
        typeof value === 'number' &&
        (typeof limit === 'number' ? value > limit : w.zero === true && value > 0);
      return el(
        'tr',
        { 'data-testid': `weather-${w.label}`, class: over ? 'over' : '', 'data-over': String(over) },
        el('td', {}, w.label),
        el('td', { class: 'num' }, `${num(value, w.digits)} ${w.unit}`),
        el(
          'td',
          { class: 'num muted' },
          typeof limit === 'number' ? `≤ ${limit} ${w.unit}` : w.zero ? 'none' : '',
        ),
      );
    }),
  );
}

/**
 * What is observed now, coherent with the night's state: the running observation; the block
 * being started; or none, and why (the majordome's word).
 * @param {Record<string, any> | null | undefined} obs the running observation
 * @param {Record<string, any> | null | undefined} execution the majordome's state
 */
function observationLine(obs, execution) {
  if (obs !== null && obs !== undefined) {
    return el(
      'span',
      { 'data-testid': 'observation-running', 'data-target': obs.targetName },
      el('strong', {}, obs.targetName),
      ` observation ${obs.id}, running since ${when(obs.startedAt)}`,
    );
  }
  const running = execution?.running;
  if (running && (execution.state === 'opening' || execution.state === 'observing'))
    return `starting ${running.targetName}: the dome opens, the telescope slews`;
  return el(
    'span',
    { class: 'muted', 'data-testid': 'observation-none' },
    execution ? `none (${nightLabel(execution, null)}: ${execution.why})` : 'none',
  );
}
