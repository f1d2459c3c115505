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

/**
 * A time as pyros shows it everywhere: UTC, HH:MM:SS; a dash when absent.
 * @param {number | null | undefined} ms since the epoch
 * @returns {string}
 */
export function utc(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return new Date(ms).toISOString().slice(11, 19);
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
