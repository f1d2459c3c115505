// Renders the tables of the page from the state the server sends (GET /api/state, docs/dashboard.md).
import { brief, byTestId, duration, el, fill, num, utc } from './dom.js';

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
 * The message log: newest first.
 * @param {Array<{time: number, from: string, to: string, message: string}>} messages
 */
export function renderMessages(messages) {
  if (messages.length === 0) return fill('messages-body', emptyRow(4, 'no messages yet'));
  fill(
    'messages-body',
    ...messages.map((m) =>
      el(
        'tr',
        { 'data-testid': 'message-row' },
        el('td', { class: 'time' }, utc(m.time)),
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
 * The night at the top of the page, as the majordome runs it: its state and why (day, closed and
 * the reason, paused since …, idle with the next block, observing).
 * @param {{execution?: {state: string, why: string, paused?: {since: number, reason: string} | null} | null, error?: string} | null | undefined} now
 */
export function renderNight(now) {
  const execution = now?.execution;
  const state = execution?.state ?? 'unknown';
  const badge = byTestId('night-state');
  badge.className = `state night-${state}`;
  badge.dataset.state = state;
  badge.textContent = state;
  if (execution === null || execution === undefined) {
    fill(
      'night-why',
      el(
        'span',
        { class: 'error-text' },
        errorOf(now?.error, 'majordome') ?? 'the majordome does not answer',
      ),
    );
    return;
  }
  const paused = execution.paused;
  fill(
    'night-why',
    execution.why,
    // The operator's reason, and a Pause that outlasts a closing (the weather closed while paused).
    paused
      ? el(
          'span',
          { class: 'muted' },
          state === 'paused'
            ? ` (${paused.reason})`
            : ` (paused since ${utc(paused.since)}: ${paused.reason})`,
        )
      : '',
  );
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
  fill(
    'now-observation',
    obs === null || obs === undefined
      ? el('span', { class: 'muted' }, 'none')
      : `${obs.targetName ?? obs.requestId ?? brief(obs)} (${obs.state ?? '?'}, since ${utc(obs.startedAt)})`,
  );
  const pointing = now?.telescope?.pointing;
  const omError = errorOf(now?.error, 'observation_manager');
  fill(
    'now-telescope',
    brief(now?.telescope?.status),
    pointing ? ` at RA ${num(pointing.raDeg, 3)}° Dec ${num(pointing.decDeg, 3)}°` : '',
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
          validUntil < time ? ` (expired at ${utc(validUntil)})` : ` (valid until ${utc(validUntil)})`,
        )
      : '',
    reading ? el('span', { class: 'muted' }, `, reading at ${utc(reading.time)}`) : '',
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
 * The Images section. Cards are kept by id, so that a preview is fetched once, not every second.
 * @param {Array<Record<string, any>>} images newest first
 */
export function renderImages(images) {
  const grid = byTestId('images');
  if (images.length === 0) return grid.replaceChildren(el('p', { class: 'muted' }, 'no image yet'));
  /** @type {Map<string, Element>} */
  const existing = new Map([...grid.children].map((c) => [c.getAttribute('data-id') ?? '', c]));
  const cards = images.map((image) => {
    const card = existing.get(String(image.id)) ?? imageCard(image);
    // The analysis arrives after the image: refresh its line in place.
    const analysis = card.querySelector('[data-testid="image-analysis"]');
    if (analysis !== null) analysis.textContent = analysisLine(image);
    return card;
  });
  grid.replaceChildren(...cards);
}

/** @param {Record<string, any>} image */
function imageCard(image) {
  return el(
    'figure',
    { class: 'image-card', 'data-testid': 'image-card', 'data-id': image.id },
    el('img', {
      src: image.preview,
      alt: `image ${image.id}: ${image.object}`,
      'data-testid': 'image-preview',
    }),
    el(
      'figcaption',
      {},
      el('strong', {}, image.object),
      ` ${image.filter} ${num(image.exposureS, 0)} s at ${utc(image.dateObs)}`,
      el('br'),
      el('span', { class: 'muted', 'data-testid': 'image-analysis' }, analysisLine(image)),
    ),
  );
}

/**
 * The analyzer's word on an image: its result, or pending, failed, or unknown (no answer).
 * @param {{analysis?: Record<string, any> | null, analysisState?: string | null}} image
 */
function analysisLine(image) {
  const a = image.analysis;
  if (a === null || a === undefined) {
    const state = image.analysisState;
    return state === 'failed'
      ? 'analysis failed'
      : state === 'pending'
        ? 'analysis pending'
        : 'no analysis known';
  }
  const count = a.sourceCount ?? a.count ?? (Array.isArray(a.sources) ? a.sources.length : undefined);
  return `background ${num(a.background, 1)}, noise ${num(a.noise, 2)}, ${count ?? '?'} sources`;
}
