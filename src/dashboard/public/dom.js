// Small helpers shared by the page's modules: building DOM nodes and formatting values.
// Text always goes in through textContent, never innerHTML: agent names, messages and alert
// fields come from outside (VOEvents) and must not become markup.

/**
 * Creates an element.
 * @param {string} tag
 * @param {Record<string, string | number | boolean | undefined>} [attrs] `class`, `data-*`, other attributes; undefined or false ones are left out
 * @param {...(Node | string | number | null | undefined)} children strings become text nodes
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/**
 * Replaces the children of `parent` (looked up by data-testid when a string).
 * @param {HTMLElement | string} parent
 * @param {...(Node | string)} children
 */
export function fill(parent, ...children) {
  const node = typeof parent === 'string' ? byTestId(parent) : parent;
  node.replaceChildren(...children);
}

/**
 * The element with this data-testid (the page's own ids, so a missing one is a bug).
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byTestId(id) {
  const node = document.querySelector(`[data-testid="${id}"]`);
  if (node === null) throw new Error(`dashboard page: no element with data-testid="${id}"`);
  return /** @type {HTMLElement} */ (node);
}

/** The night on screen, [from, to) (ms): times inside it are written without their date. */
let night = { from: Number.NaN, to: Number.NaN };

/**
 * Sets the night that times are written for: from six hours before its sunset to six hours after
 * its sunrise (a night without either: half a day around `now`).
 * @param {{sunset?: number | null, sunrise?: number | null} | null | undefined} view the plan's night
 * @param {number} now the observatory's time
 */
export function setNight(view, now) {
  const sixHours = 6 * 3_600_000;
  const sunset = view?.sunset;
  const sunrise = view?.sunrise;
  night =
    typeof sunset === 'number' && typeof sunrise === 'number'
      ? { from: sunset - sixHours, to: sunrise + sixHours }
      : { from: now - 2 * sixHours, to: now + 2 * sixHours };
}

/**
 * A time as pyros shows it everywhere on the page: UTC, `21:14:05 UTC` within the night on screen
 * (setNight), `2026-12-02 21:14 UTC` outside it; a dash when absent. Every view writes its times
 * with it (the majordome's reasons use the same format: src/observatory/clock/utc-text.ts).
 * @param {number | null | undefined} ms since the epoch
 * @returns {string}
 */
export function when(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const iso = new Date(ms).toISOString();
  const inNight = !(ms < night.from || ms >= night.to);
  return inNight ? `${iso.slice(11, 19)} UTC` : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * A time with its date always, `2026-12-02 21:14:05 UTC` (the page's clock).
 * @param {number | null | undefined} ms
 * @returns {string}
 */
export function dated(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/**
 * Hours and minutes only, `21:14`, for the hour ticks of the timeline and the chart (their axis
 * says UTC once).
 * @param {number} ms
 * @returns {string}
 */
export function hourMinute(ms) {
  return new Date(ms).toISOString().slice(11, 16);
}

/**
 * A duration in seconds as `1h 02m 03s`, `4m 05s` or `6s`.
 * @param {number | null | undefined} s
 * @returns {string}
 */
export function duration(s) {
  if (s === null || s === undefined || !Number.isFinite(s)) return '—';
  const total = Math.max(0, Math.round(s));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  const pad = (n) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h ${pad(m)}m ${pad(sec)}s`;
  if (m > 0) return `${m}m ${pad(sec)}s`;
  return `${sec}s`;
}

/**
 * A number with `digits` decimals, or a dash when absent.
 * @param {number | null | undefined} x
 * @param {number} [digits]
 * @returns {string}
 */
export function num(x, digits = 1) {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—';
}

/**
 * Any value as one short line: strings as they are, objects as compact JSON.
 * @param {unknown} value
 * @returns {string}
 */
export function brief(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
