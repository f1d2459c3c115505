// What an action's reply means, in one sentence for the status line (the reply itself stays in
// the line's data-answer attribute).
import { when } from './dom.js';

/**
 * The majordome's state (Pause, Resume reply with it) in words.
 * @param {Record<string, any>} e
 */
function execution(e) {
  const paused = e.paused ? ` Paused by the operator at ${when(e.paused.since)} (${e.paused.reason}).` : '';
  return `The majordome is ${e.state}: ${e.why}.${paused}`;
}

/**
 * Any other reply: its fields as `key value` pairs, objects summarised by their own first fields.
 * @param {unknown} value
 * @param {number} depth
 * @returns {string}
 */
function fields(value, depth = 0) {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return `${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value !== 'object') return String(value);
  const entries = Object.entries(value);
  if (depth > 1) return `${entries.length} fields`;
  return entries
    .map(([k, v]) => `${k} ${typeof v === 'object' && v !== null ? `(${fields(v, depth + 1)})` : fields(v)}`)
    .join(', ');
}

/**
 * The sentence for the answer to `action`.
 * @param {string} action e.g. "pause majordome", "send to monitoring"
 * @param {unknown} answer the server's JSON reply
 * @returns {string}
 */
export function sentence(action, answer) {
  if (answer === undefined) return 'done.';
  if (typeof answer === 'string') return answer;
  const a = /** @type {Record<string, any>} */ (answer);
  if (action === 'pause majordome' || action === 'resume majordome') return execution(a);
  if (action === 'close dome') {
    const stopped = typeof a.aborted === 'number' ? `; observation ${a.aborted} was stopped` : '';
    return `the dome is ${a.dome} and the telescope ${a.telescope}${stopped}.`;
  }
  if (action === 'inject alert') {
    const request = a.requestId ? `; it made request ${a.requestId}` : '';
    return `alert ${a.ivorn}: ${a.outcome} (${a.reason})${request}.`;
  }
  if (action.startsWith('send to ')) {
    // The server wraps the handler's return value as `{ reply }`.
    const reply = Object.keys(a).length === 1 && 'reply' in a ? a.reply : a;
    return `${action.slice('send to '.length)} answered: ${fields(reply)}.`;
  }
  return fields(a);
}
