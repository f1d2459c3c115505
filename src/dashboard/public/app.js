// The dashboard page: follows GET /api/events (the whole state every second) and renders it.
// docs/dashboard.md describes the API; this module only wires the pieces together.
import { api, setUpActions } from './actions.js';
import { renderAlertSources, renderAlerts } from './alerts-view.js';
import { renderAltitudes, resizeAltitudes } from './charts.js';
import { byTestId, dated, el, fill, setNight } from './dom.js';
import { renderImages, setUpViewer } from './images-view.js';
import { renderNight } from './night-view.js';
import { renderAgents, renderMessages, renderNow, renderTasks } from './render.js';
import { hideClippedLabels, renderTimeline } from './timeline.js';

/** The plan version the altitude chart shows (refetched when the plan changes). */
let chartedPlan = -1;
/** One message-log fetch at a time: a slow answer must not pile up requests. */
let messagesBusy = false;
/** The agent names the selects were filled with, to leave the operator's choice alone otherwise. */
let knownAgents = '';

/**
 * Renders one state object (what `event: state` carries).
 * @param {Record<string, any>} state
 */
function renderState(state) {
  const clock = state.clock ?? {};
  // Every time on the page is written for this night (dom.js `when`).
  setNight(state.plan?.night, state.time);
  fill(
    'sim-time',
    dated(state.time),
    clock.simulated ? el('span', { class: 'muted' }, ` (simulated, ×${clock.speed})`) : '',
  );
  const agents = state.agents ?? [];
  renderAgents(agents);
  updateAgentChoices(agents.map((a) => a.name));
  renderTasks(state.tasks);
  renderTimeline(state.plan, state.alerts ?? [], state.time);
  renderNight(state.now);
  renderNow(state.now, state.time);
  renderAlertSources(state.alertSources ?? []);
  renderAlerts(state.alerts ?? []);
  renderImages(state.images ?? []);
  const version = state.plan?.version ?? 0;
  if (version !== chartedPlan) {
    chartedPlan = version;
    refreshAltitudes();
  }
  refreshMessages();
  // The observatory time of the state on screen: tests (and the curious) wait on it.
  document.body.dataset.stateTime = String(state.time);
}

/**
 * Fills the agent selects (message-log filter, send-a-message) when the set of agents changes.
 * @param {string[]} names
 */
function updateAgentChoices(names) {
  const key = names.join(',');
  if (key === knownAgents) return;
  knownAgents = key;
  for (const [id, first] of [
    ['messages-filter', 'all agents'],
    ['message-agent', 'choose an agent'],
  ]) {
    const select = /** @type {HTMLSelectElement} */ (byTestId(id));
    const chosen = select.value;
    select.replaceChildren(
      el('option', { value: '' }, first),
      ...names.map((n) => el('option', { value: n }, n)),
    );
    select.value = names.includes(chosen) ? chosen : '';
  }
}

/** Fetches the message log for the chosen agent (all agents when none). */
async function refreshMessages() {
  if (messagesBusy) return;
  messagesBusy = true;
  try {
    const agent = /** @type {HTMLSelectElement} */ (byTestId('messages-filter')).value;
    const query = agent === '' ? '' : `&agent=${encodeURIComponent(agent)}`;
    renderMessages(/** @type {any[]} */ (await api(`/api/messages?limit=50${query}`)));
  } catch (err) {
    fill('messages-body', el('tr', {}, el('td', { colspan: 4, class: 'error-text' }, err.message)));
  } finally {
    messagesBusy = false;
  }
}

/** Fetches the targets' altitudes and redraws the chart. */
async function refreshAltitudes() {
  const target = byTestId('altitude-chart');
  try {
    const data = /** @type {any} */ (await api('/api/plan/altitudes'));
    fill('altitude-note', data.series.length === 0 ? 'no planned target' : '');
    renderAltitudes(data, target);
  } catch (err) {
    chartedPlan = -1; // try again with the next state
    fill('altitude-note', `altitudes: ${err.message}`);
  }
}

/** Follows the server's events; EventSource reconnects by itself after a drop. */
function follow() {
  const connection = byTestId('connection');
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => {
    connection.textContent = 'live';
    connection.dataset.live = 'true';
  });
  events.addEventListener('error', () => {
    connection.textContent = 'disconnected, retrying…';
    connection.dataset.live = 'false';
  });
  events.addEventListener('state', (event) => {
    try {
      renderState(JSON.parse(event.data));
    } catch (err) {
      // A page bug must show, not leave a silently stale page.
      connection.textContent = `page error: ${err.message}`;
      console.error(err);
    }
  });
}

setUpActions();
byTestId('messages-filter').addEventListener('change', () => refreshMessages());
window.addEventListener('resize', () => {
  resizeAltitudes(byTestId('altitude-chart'));
  hideClippedLabels();
});
setUpViewer();
follow();
