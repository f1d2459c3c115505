// Operator actions: login/logout, inject an alert, send a message, close the dome, pause/resume.
// Every action ends in the status line: the server's answer, or its `{ error }` with the status.
import { byTestId, el, fill } from './dom.js';
import { sentence } from './sentences.js';

/**
 * Calls the API and returns the parsed JSON answer (undefined for 204); throws an Error whose
 * message is the server's `{ error }` (with the HTTP status) on a 4xx/5xx.
 * @param {string} path
 * @param {RequestInit} [init]
 * @returns {Promise<unknown>}
 */
export async function api(path, init = {}) {
  const response = await fetch(path, { credentials: 'same-origin', ...init });
  const text = await response.text();
  let body;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  if (!response.ok) {
    const reason =
      typeof body === 'object' && body !== null && 'error' in body ? body.error : text || response.statusText;
    const error = new Error(`${response.status}: ${reason}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

/**
 * Shows the outcome of an action in the status line.
 * @param {string} action what was done, e.g. "close dome"
 * @param {'ok' | 'error' | 'pending'} kind
 * @param {string} text
 */
function status(action, kind, text, answer) {
  const line = byTestId('action-status');
  line.className = `status status-${kind}`;
  line.dataset.kind = kind;
  line.dataset.action = action;
  // The reply itself, for whoever wants the details (and the tests): the line says it in words.
  if (answer === undefined) delete line.dataset.answer;
  else line.dataset.answer = JSON.stringify(answer);
  fill(line, el('strong', {}, `${action}: `), text);
}

/**
 * Runs one action and reports it; a 401 also marks the page as logged out.
 * @param {string} action
 * @param {() => Promise<unknown>} run
 */
async function perform(action, run) {
  status(action, 'pending', '…');
  try {
    const answer = await run();
    status(action, 'ok', sentence(action, answer), answer);
  } catch (err) {
    if (err.status === 401) setSession(false);
    status(action, 'error', err.message);
  }
}

/** @param {boolean} loggedIn what the page believes (the cookie itself is not readable here) */
function setSession(loggedIn) {
  const session = byTestId('session-state');
  session.textContent = loggedIn ? 'logged in' : 'logged out';
  session.dataset.loggedIn = String(loggedIn);
  document.body.classList.toggle('logged-in', loggedIn);
}

/** @param {string} path @param {unknown} body */
const postJson = (path, body) =>
  api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** @param {string} token logs in with it (the session cookie comes back) */
function logIn(token) {
  return perform('login', async () => {
    await postJson('/api/login', { token });
    setSession(true);
    return 'logged in';
  });
}

/**
 * The link the dashboard logs at its start (`/?token=…`, as Jupyter's): logs in with it, and
 * takes it out of the address bar (and so out of the history and of screenshots) first.
 */
function logInFromAddress() {
  const params = new URLSearchParams(window.location.search);
  const token = params.get('token');
  if (token === null) return;
  params.delete('token');
  const rest = params.toString();
  window.history.replaceState(
    null,
    '',
    `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`,
  );
  if (token !== '') logIn(token);
}

/** Wires the forms and buttons of the Operator actions section. */
export function setUpActions() {
  setSession(false);
  logInFromAddress();
  byTestId('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = /** @type {HTMLInputElement} */ (byTestId('login-token'));
    const value = token.value;
    token.value = '';
    logIn(value);
  });
  byTestId('logout-button').addEventListener('click', () =>
    perform('logout', async () => {
      await api('/api/logout', { method: 'POST' });
      setSession(false);
      return 'logged out';
    }),
  );

  byTestId('alert-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = /** @type {HTMLInputElement} */ (byTestId('alert-file'));
    const drill = /** @type {HTMLInputElement} */ (byTestId('alert-drill')).checked;
    perform('inject alert', async () => {
      const file = input.files?.[0];
      if (file === undefined) throw new Error('choose a notice file first (VOEvent XML or JSON)');
      const text = await file.text();
      // A JSON notice (GCN unified schema, IGWN alert) or VOEvent XML, as its first character says.
      const json = text.trimStart().startsWith('{');
      return api(`/api/alerts${drill ? '?drill=1' : ''}`, {
        method: 'POST',
        headers: { 'Content-Type': json ? 'application/json' : 'application/xml' },
        body: text,
      });
    });
  });

  byTestId('message-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const agent = /** @type {HTMLSelectElement} */ (byTestId('message-agent')).value;
    const message = /** @type {HTMLInputElement} */ (byTestId('message-text')).value.trim();
    const payloadText = /** @type {HTMLTextAreaElement} */ (byTestId('message-payload')).value.trim();
    perform(`send to ${agent}`, async () => {
      if (agent === '') throw new Error('choose an agent');
      if (message === '') throw new Error('the message is empty');
      const body = { message };
      if (payloadText !== '') {
        try {
          body.payload = JSON.parse(payloadText);
        } catch (err) {
          throw new Error(`the payload is not JSON: ${err.message}`);
        }
      }
      return postJson(`/api/agents/${encodeURIComponent(agent)}/messages`, body);
    });
  });

  byTestId('dome-close').addEventListener('click', () =>
    perform('close dome', () => api('/api/dome/close', { method: 'POST' })),
  );
  byTestId('majordome-pause').addEventListener('click', () =>
    perform('pause majordome', () => api('/api/majordome/pause', { method: 'POST' })),
  );
  byTestId('majordome-resume').addEventListener('click', () =>
    perform('resume majordome', () => api('/api/majordome/resume', { method: 'POST' })),
  );
}
