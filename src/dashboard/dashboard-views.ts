import type { ReplyOut } from '../agent/contract.js';
/**
 * The JSON the dashboard answers (docs/dashboard.md), endpoint by endpoint. Times are ms since the
 * epoch on the observatory clock, positions degrees; what is unknown is `null`, never left out, so
 * that the page reads every field the same way.
 */
import type { AppState } from '../host/supervisor.js';
import type { ExecutionState } from '../observatory/agents/majordome-agent.js';
import type { Msg } from '../observatory/messages.js';
import type { PlannedBlock } from '../observatory/scheduler/request.js';
import type { AnalysisView } from '../observatory/store/analyses-repo.js';
import type { ObservationRecord } from '../observatory/store/observations-repo.js';

/** How an agent is doing: it answered STATUS (`up`), or what the host last said of it. */
export type AgentState = 'up' | 'down' | Extract<AppState, 'restarting' | 'failed' | 'stopped'>;

/** One configured agent (`GET /api/agents`). Counters are null when it did not answer. */
export interface AgentView {
  readonly name: string;
  readonly state: AgentState;
  readonly uptimeS: number | null;
  readonly received: number | null;
  readonly handled: number | null;
  readonly failed: number | null;
  /** Messages from it in the recent message log (the latest 200 each agent received). */
  readonly sent: number;
  /** Restarts of its app by its host, when that host is the dashboard's (null: another computer's). */
  readonly restarts: number | null;
  /** The host's last error for its app (the dashboard's host only). */
  readonly lastError: string | null;
}

/** The task broker, as the analyzer reports it (`GET /api/tasks`). */
export interface TasksView {
  /** Its URL, without credentials ('' when the analyzer did not answer). */
  readonly broker: string;
  /** Tasks by state, every state present (0 when none). */
  readonly counts: Readonly<Record<string, number>>;
  /** Task workers in the analyzer's thread (`[analyzer] workers`); `pyros worker` processes are not counted. */
  readonly workers: number;
  /** Why the counts are empty: the broker could not be read, or the analyzer did not answer. */
  readonly error?: string;
}

/** One message between agents (`GET /api/messages`). */
export interface MessageView {
  readonly time: number;
  readonly from: string;
  readonly to: string;
  readonly message: string;
}

/** The night on screen (local noon to local noon): sunset, twilights, sunrise; null for what does not happen (polar nights). */
export interface NightView {
  readonly date: string;
  readonly sunset: number | null;
  readonly civilDusk: number | null;
  readonly nauticalDusk: number | null;
  readonly astronomicalDusk: number | null;
  readonly astronomicalDawn: number | null;
  readonly nauticalDawn: number | null;
  readonly civilDawn: number | null;
  readonly sunrise: number | null;
  /** When the Sun is below the site's limit: when the telescope may observe. */
  readonly dark: { readonly start: number; readonly end: number } | null;
}

/** The current plan (`GET /api/plan`). */
export interface PlanView {
  readonly version: number;
  readonly night: NightView;
  /** What is still to come (the scheduler's). */
  readonly blocks: readonly PlannedBlock[];
  /** The night's observations so far, oldest first (the observation manager's): its history. */
  readonly observed: readonly ObservationRecord[];
}

/** Each planned target's altitude over the night (`GET /api/plan/altitudes`). */
export interface AltitudesView {
  readonly times: readonly number[];
  readonly series: ReadonlyArray<{ readonly target: string; readonly altitudes: readonly number[] }>;
  /** The telescope's lowest altitude (the site's horizon limit), for the chart's limit line. */
  readonly horizonLimitDeg: number;
}

/** What is happening at the telescope (`GET /api/now`), each part from its owner. */
export interface NowView {
  /** The running observation (the observation manager's). */
  readonly observation: ObservationRecord | null;
  readonly telescope: { readonly status: unknown; readonly pointing: unknown };
  readonly dome: unknown;
  readonly filter: unknown;
  /** The observation manager's interlock: the safety rule as it applies it. */
  readonly interlock: { readonly safe: boolean; readonly reason: string } | null;
  /** The weather (monitoring's): the latest reading and the verdict; null when monitoring did not answer. */
  readonly weather: {
    readonly reading: unknown;
    /** The verdict; null before the first reading or when monitoring did not answer. */
    readonly safe: boolean | null;
    readonly reason: string | null;
    readonly time: number | null;
    readonly validUntil: number | null;
    readonly limits: {
      readonly maxWindMps: number;
      readonly maxCloudPct: number;
      readonly maxHumidityPct: number;
    } | null;
  };
  /** The night as the majordome runs it (state and why); null when it did not answer. */
  readonly execution: ExecutionState | null;
  /** Who did not answer, and why (one line each). */
  readonly error?: string;
}

/** One received notice (`GET /api/alerts`), as its owner shows it (its text left out). */
export type AlertView = ReplyOut<typeof Msg.ALERTS>['alerts'][number] & {
  /** The state of the request it made, now (the scheduler's; null when unknown). */
  readonly requestState: string | null;
};

/** One alert source, as the alert manager says it is doing (a feed gone quiet carries a warning). */
export type AlertSourceView = ReplyOut<typeof Msg.ALERT_SOURCES>['sources'][number];

/** One image (`GET /api/images`). */
export interface ImageView {
  readonly id: number;
  readonly observationId: number;
  readonly object: string;
  readonly filter: string;
  readonly exposureS: number;
  readonly dateObs: number;
  readonly raDeg: number;
  readonly decDeg: number;
  /** The analyzer's result, null while pending or when the analyzer did not answer. */
  readonly analysis: AnalysisView['analysis'];
  readonly analysisState: AnalysisView['state'] | null;
  /** The URL of its PNG preview. */
  readonly preview: string;
}

/** Everything at once (`GET /api/state`, and each `state` event of `GET /api/events`). */
export interface DashboardState {
  readonly time: number;
  readonly clock: { readonly simulated: boolean; readonly speed: number };
  readonly agents: readonly AgentView[];
  readonly tasks: TasksView;
  readonly plan: PlanView;
  readonly now: NowView;
  readonly alerts: readonly AlertView[];
  /** The alert manager's sources (none when it does not answer). */
  readonly alertSources: readonly AlertSourceView[];
  readonly images: readonly ImageView[];
}
