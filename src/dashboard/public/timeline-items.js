// The night's blocks for the timeline and its list: what was observed (the observation manager's
// history: done, failed, aborted, running) and what is still planned (the scheduler's plan).

/**
 * @typedef {object} NightItem
 * @property {string} blockId
 * @property {string} requestId
 * @property {string} targetName
 * @property {string} kind routine or alert (an observation whose block left the plan: alert when an alert made its request)
 * @property {number | undefined} priority
 * @property {number} start
 * @property {number} end
 * @property {'done' | 'running' | 'failed' | 'aborted' | 'planned'} state
 * @property {string | undefined} reason why it failed or was aborted
 * @property {'observed' | 'planned'} lane
 */

/**
 * The night's blocks in time order: each observation (running ones end at their planned end, or
 * now), then each planned block not yet observed.
 * @param {{blocks?: Array<Record<string, any>>, observed?: Array<Record<string, any>>}} plan
 * @param {number} now
 * @param {Array<{requestId?: string | null}>} alerts the alerts received: their requests are alert blocks
 * @returns {NightItem[]}
 */
export function nightItems(plan, now, alerts) {
  const blocks = plan.blocks ?? [];
  const alertRequests = new Set(alerts.map((a) => a.requestId).filter(Boolean));
  const byId = new Map(blocks.map((b) => [b.id, b]));
  /** @type {NightItem[]} */
  const observed = (plan.observed ?? []).map((o) => {
    const block = byId.get(o.blockId);
    const end = o.endedAt ?? (o.state === 'running' ? Math.max(now, block?.end ?? now) : o.startedAt);
    return {
      blockId: o.blockId,
      requestId: o.requestId,
      targetName: o.targetName,
      kind: block?.kind ?? (alertRequests.has(o.requestId) ? 'alert' : 'routine'),
      priority: block?.priority,
      start: o.startedAt,
      end: Math.max(end, o.startedAt + 1),
      state: o.state,
      reason: o.reason,
      lane: 'observed',
    };
  });
  const seen = new Set(observed.map((o) => o.blockId));
  /** @type {NightItem[]} */
  const planned = blocks
    .filter((b) => !seen.has(b.id))
    .map((b) => ({
      blockId: b.id,
      requestId: b.requestId,
      targetName: b.targetName,
      kind: b.kind,
      priority: b.priority,
      start: b.start,
      end: b.end,
      state: 'planned',
      reason: undefined,
      lane: 'planned',
    }));
  return [...observed, ...planned].sort((a, b) => a.start - b.start || a.end - b.end);
}
