import type { MessageContract, PayloadIn, ReplyOut } from '../agent/contract.js';
import { AGENTS } from '../observatory/contracts/agents.js';
import { Msg } from '../observatory/messages.js';
import { Sender } from '../sender/sender.js';
import { STATUS_TIMEOUT_MS } from './agent-views.js';
import type { AlertSourceView, AlertView, ImageView, NowView } from './dashboard-views.js';

/** How long a read waits for its owner (ms): the page is refreshed every second. */
export const READ_TIMEOUT_MS = 1500;
/** The most alerts and images their owners give at once (`Alerts`, `Images`): a larger limit is cut to it. */
export const MAX_OWNER_LIMIT = 500;

/**
 * The agents that answered STATUS a moment ago: a read skips the others, which would only make it
 * wait for its timeout.
 */
export type Up = ReadonlySet<string>;

/** The first line of an error, for the `error` fields. */
export function why(agent: string, err: unknown): string {
  return `${agent}: ${(err as Error).message.split('\n')[0]}`;
}

/** Asks `agent` (the owner) a query, unless it has just not answered STATUS. */
export function ask<C extends MessageContract>(
  up: Up,
  agent: string,
  contract: C,
  payload: PayloadIn<C>,
  timeout = READ_TIMEOUT_MS,
): Promise<ReplyOut<C>> {
  if (!up.has(agent)) {
    return Promise.reject(new Error(`down (no answer to STATUS within ${STATUS_TIMEOUT_MS} ms)`));
  }
  return Sender.request(agent, contract, payload, { timeout });
}

/** What happens at the telescope, each part from its owner; who did not answer is said in `error`. */
export async function readNow(up: Up): Promise<NowView> {
  const errors: string[] = [];
  const [devices, running, weather, execution] = await Promise.all([
    ask(up, AGENTS.observationManager, Msg.DEVICES, undefined, STATUS_TIMEOUT_MS).catch((e) => {
      errors.push(why(AGENTS.observationManager, e));
      return undefined;
    }),
    ask(up, AGENTS.observationManager, Msg.OBSERVATIONS, { limit: 1, state: 'running' }).catch(
      () => undefined,
    ),
    ask(up, AGENTS.monitoring, Msg.WEATHER, undefined).catch((e) => {
      errors.push(why(AGENTS.monitoring, e));
      return undefined;
    }),
    ask(up, AGENTS.majordome, Msg.EXECUTION, undefined).catch((e) => {
      errors.push(why(AGENTS.majordome, e));
      return undefined;
    }),
  ]);
  const hasReading = weather !== undefined && weather.reading !== null;
  return {
    observation: running?.observations[0] ?? null,
    telescope: { status: devices?.telescope.status ?? null, pointing: devices?.telescope.pointing ?? null },
    dome: devices?.dome ?? null,
    filter: devices?.filter ?? null,
    interlock: devices?.safety ?? null,
    weather: {
      reading: weather?.reading ?? null,
      safe: hasReading ? (weather?.verdict.safe ?? null) : null,
      reason: weather?.verdict.reason ?? null,
      time: weather?.verdict.time ?? null,
      validUntil: weather?.verdict.validUntil ?? null,
      limits:
        weather === undefined
          ? null
          : {
              maxWindMps: weather.limits.maxWindMps,
              maxCloudPct: weather.limits.maxCloudPct,
              maxHumidityPct: weather.limits.maxHumidityPct,
            },
    },
    execution: execution ?? null,
    ...(errors.length === 0 ? {} : { error: errors.join('; ') }),
  };
}

/** The alert manager's latest alerts, each with its request's state at the scheduler. */
export async function readAlerts(up: Up, limit: number): Promise<AlertView[]> {
  let alerts: ReplyOut<typeof Msg.ALERTS>['alerts'];
  try {
    ({ alerts } = await ask(up, AGENTS.alertManager, Msg.ALERTS, {
      limit: Math.min(limit, MAX_OWNER_LIMIT),
    }));
  } catch {
    return [];
  }
  const ids = [...new Set(alerts.flatMap((a) => (a.requestId === null ? [] : [a.requestId])))];
  const states = new Map<string, string>();
  if (ids.length > 0) {
    const reply = await ask(up, AGENTS.scheduler, Msg.REQUESTS, { ids, limit: ids.length }).catch(
      () => undefined,
    );
    for (const r of reply?.requests ?? []) states.set(r.id, r.state);
  }
  return alerts.map((a) => ({
    ...a,
    requestState: a.requestId === null ? null : (states.get(a.requestId) ?? null),
  }));
}

/** The alert manager's sources and their state; none when it does not answer. */
export async function readAlertSources(up: Up): Promise<AlertSourceView[]> {
  try {
    return [...(await ask(up, AGENTS.alertManager, Msg.ALERT_SOURCES, {})).sources];
  } catch {
    return [];
  }
}

/** The observation manager's latest images, each with the analyzer's analysis. */
export async function readImages(up: Up, limit: number): Promise<ImageView[]> {
  let images: ReplyOut<typeof Msg.IMAGES>['images'];
  try {
    ({ images } = await ask(up, AGENTS.observationManager, Msg.IMAGES, {
      limit: Math.min(limit, MAX_OWNER_LIMIT),
    }));
  } catch {
    return [];
  }
  const analyses = new Map(
    images.length === 0
      ? []
      : (
          await ask(up, AGENTS.analyzer, Msg.ANALYSES, { imageIds: images.map((i) => i.id) }).catch(() => ({
            analyses: [],
          }))
        ).analyses.map((a) => [a.imageId, a]),
  );
  return images.map((i) => ({
    id: i.id,
    observationId: i.observationId,
    object: i.object,
    filter: i.filter,
    exposureS: i.exposureS,
    dateObs: i.dateObs,
    raDeg: i.target.raDeg,
    decDeg: i.target.decDeg,
    analysis: analyses.get(i.id)?.analysis ?? null,
    analysisState: analyses.get(i.id)?.state ?? null,
    preview: `/api/images/${i.id}/preview.png`,
  }));
}
