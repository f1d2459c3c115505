// The observatory the dashboard reads, played by scripted peers (test/observatory/agents/peers.ts):
// each agent is a real agent in a worker thread of its own, on a real port, answering the
// dashboard's queries from a script with what its store would hold in a night in progress: a plan
// and its requests, a running observation with two images (FITS files on "its" disk) and their
// analyses, two alerts, a weather reading and its verdict, the majordome's night, the task
// counts, and each agent's own message log. The dashboard (its ObservatorySource, its server, or
// the whole DashboardAgent) runs in the test's thread and asks them by message, as it would
// across computers.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ReplyOut } from '../../src/agent/contract.js';
import { createDashboardServer, type DashboardServerOptions } from '../../src/dashboard/dashboard-server.js';
import { ObservatorySource } from '../../src/dashboard/observatory-source.js';
import type { ExecutionState } from '../../src/observatory/agents/majordome-agent.js';
import { SimClock } from '../../src/observatory/clock/sim-clock.js';
import { OBSERVATORY_AGENTS } from '../../src/observatory/contracts/agents.js';
import { encodeFits } from '../../src/observatory/images/fits-writer.js';
import { renderSkyImage } from '../../src/observatory/images/synthetic-image.js';
import type { Msg } from '../../src/observatory/messages.js';
import type { Plan, PlannedBlock, RequestRecord } from '../../src/observatory/scheduler/request.js';
import type { AnalysisView } from '../../src/observatory/store/analyses-repo.js';
import type { ImageRecord, ObservationRecord } from '../../src/observatory/store/observations-repo.js';
import { Sender } from '../../src/sender/sender.js';
import { TASK_STATES } from '../../src/tasks/task-record.js';
import { type Peer, startPeer } from '../observatory/agents/peers.js';
import {
  observatoryConfig,
  type TempObservatory,
  tempObservatory,
} from '../observatory/observatory-fixture.js';

/** The observatory clock's start: a November night at the shipped site (Calern), well after sunset. */
export const T = Date.parse('2026-11-29T20:00:00Z');
const MIN = 60_000;

/** The six agents that own the observatory's state (the dashboard owns none). */
export const OWNERS = OBSERVATORY_AGENTS.filter((a) => a !== 'dashboard');

/** The images' sizes: the first takes two `Image data` pieces (512² 16-bit is over 384 KiB), the second one. */
export const IMAGE_SIZES = [512, 64] as const;

type AlertRecord = ReplyOut<typeof Msg.ALERTS>['alerts'][number];
type AlertSourceView = ReplyOut<typeof Msg.ALERT_SOURCES>['sources'][number];
type LogEntry = ReplyOut<typeof Msg.MESSAGES>['messages'][number];

/** What each owner holds, as its queries answer it. */
export interface NightData {
  readonly plan: Plan;
  readonly requests: readonly RequestRecord[];
  /** Newest first: the running one, one done, one failed. */
  readonly observations: readonly ObservationRecord[];
  /** Newest first; their files are in the observation manager's data folder. */
  readonly images: readonly ImageRecord[];
  /** The analyzer's: the newest image pending, the other done. */
  readonly analyses: readonly AnalysisView[];
  /** Newest first. */
  readonly alerts: readonly AlertRecord[];
  /** The alert manager's sources: a listening VTP port, and a GCN feed whose heartbeat has stopped. */
  readonly alertSources: readonly AlertSourceView[];
  readonly weather: ReplyOut<typeof Msg.WEATHER>;
  readonly execution: ExecutionState;
  readonly devices: ReplyOut<typeof Msg.DEVICES>;
  readonly tasks: ReplyOut<typeof Msg.TASKS>;
  /** Each agent's own log (what it received), newest first. */
  readonly logs: Readonly<Record<string, readonly LogEntry[]>>;
}

const M45 = { raDeg: 56.75, decDeg: 24.12 };
const M42 = { raDeg: 83.82, decDeg: -5.39 };
const GRB = { raDeg: 45.1, decDeg: 36.2 };
const SWIFT_IVORN = 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_1291234-550';
const DRILL_IVORN = 'ivo://test/dashboard#drill-1';
const GRB_REQUEST = 'alert-swift-1291234';

function block(
  id: string,
  kind: PlannedBlock['kind'],
  targetName: string,
  target: typeof M45,
  start: number,
) {
  return {
    id,
    requestId: id === 'grb' ? GRB_REQUEST : id,
    kind,
    targetName,
    target,
    priority: kind === 'alert' ? 100 : 5,
    start,
    end: start + 20 * MIN,
    altitudeDeg: 52,
    airmass: 1.27,
    exposures: [{ filter: 'R', exposureS: 60, count: 3 }],
  } satisfies PlannedBlock;
}

/** A simulated frame of `target`, as the observation manager's camera writes it. */
function fitsFile(
  path: string,
  size: number,
  objectName: string,
  target: typeof M45,
  dateObs: number,
): number {
  const { pixels } = renderSkyImage({
    center: target,
    exposureS: 60,
    filter: 'R',
    seed: dateObs,
    width: size,
    height: size,
  });
  const bytes = encodeFits(
    { pixels, width: size, height: size },
    {
      dateObs,
      exposureS: 60,
      target,
      filter: 'R',
      objectName,
      telescope: 'pyros-sim',
      instrument: 'camera',
    },
  );
  writeFileSync(path, bytes);
  return bytes.length;
}

/** The night's records; the images' FITS files are written under `omDataDir`. */
export function nightData(omDataDir: string): NightData {
  const plan: Plan = {
    version: 4,
    madeAt: T - 6 * MIN,
    blocks: [
      block('m45', 'routine', 'M45', M45, T - 10 * MIN),
      block('grb', 'alert', 'GRB 261129A', GRB, T + 15 * MIN),
      block('m42', 'routine', 'M42', M42, T + 60 * MIN),
    ],
  };
  const request = (b: PlannedBlock, state: RequestRecord['state']): RequestRecord => ({
    id: b.requestId,
    kind: b.kind,
    targetName: b.targetName,
    target: b.target,
    priority: b.priority,
    exposures: b.exposures,
    createdAt: T - 120 * MIN,
    ...(b.kind === 'alert' ? { alertIvorn: SWIFT_IVORN } : {}),
    state,
    reason: null,
    updatedAt: T - 6 * MIN,
  });
  const [m45, grb, m42] = plan.blocks as [PlannedBlock, PlannedBlock, PlannedBlock];
  const requests = [request(grb, 'scheduled'), request(m45, 'observing'), request(m42, 'scheduled')];
  const observations: ObservationRecord[] = [
    { id: 7, requestId: 'm45', blockId: 'm45', targetName: 'M45', startedAt: T - 9 * MIN, state: 'running' },
    {
      id: 6,
      requestId: 'm31',
      blockId: 'm31',
      targetName: 'M31',
      startedAt: T - 40 * MIN,
      endedAt: T - 20 * MIN,
      state: 'done',
    },
    {
      id: 5,
      requestId: 'm33',
      blockId: 'm33',
      targetName: 'M33',
      startedAt: T - 62 * MIN,
      endedAt: T - 55 * MIN,
      state: 'failed',
      reason: 'camera: readout timed out',
    },
  ];
  const folder = join(omDataDir, 'images', '2026-11-29');
  mkdirSync(folder, { recursive: true });
  const images: ImageRecord[] = [
    { id: 13, size: IMAGE_SIZES[0], dateObs: T - 2 * MIN },
    { id: 12, size: IMAGE_SIZES[1], dateObs: T - 4 * MIN },
  ].map(({ id, size, dateObs }) => {
    const path = join(folder, `M45-${id}.fits`);
    return {
      id,
      observationId: 7,
      path,
      object: 'M45',
      filter: 'R',
      exposureS: 60,
      dateObs,
      target: M45,
      bytes: fitsFile(path, size, 'M45', M45, dateObs),
    };
  });
  const analyses: AnalysisView[] = [
    { imageId: 13, state: 'pending', analysis: null, analyzedAt: null, error: null },
    {
      imageId: 12,
      state: 'done',
      analysis: {
        background: 1049.5,
        noise: 8.7,
        sourceCount: 2,
        sources: [
          { x: 10, y: 20, flux: 5e4 },
          { x: 40, y: 33, flux: 1.2e4 },
        ],
      },
      analyzedAt: T - 3 * MIN,
      error: null,
    },
  ];
  const alerts: AlertRecord[] = [
    {
      ivorn: DRILL_IVORN,
      receivedAt: T - 3 * MIN,
      source: 'dashboard',
      format: 'voevent',
      role: 'test',
      mission: 'Swift',
      instrument: 'BAT',
      packetName: 'SWIFT_BAT_GRB_POS_ACK',
      eventKey: 'drill:Swift:532871@1',
      classification: null,
      area90Deg2: null,
      eventTime: T - 4 * MIN,
      raDeg: 10,
      decDeg: 20,
      errorDeg: 0.05,
      outcome: 'test',
      reason: 'role="test": recorded, not observed',
      requestId: null,
      drill: true,
    },
    {
      ivorn: SWIFT_IVORN,
      receivedAt: T - 8 * MIN,
      source: 'vtp',
      format: 'voevent',
      role: 'observation',
      mission: 'Swift',
      instrument: 'BAT',
      packetName: 'SWIFT_BAT_GRB_POS_ACK',
      eventKey: 'Swift:532871',
      classification: 'GRB',
      area90Deg2: null,
      eventTime: T - 9 * MIN,
      raDeg: GRB.raDeg,
      decDeg: GRB.decDeg,
      errorDeg: 0.05,
      outcome: 'accepted',
      reason: 'new GRB position: urgent request',
      requestId: GRB_REQUEST,
      drill: false,
    },
  ];
  const reading = {
    time: T - 30_000,
    cloudCoverPct: 12,
    rainMmPerH: 0,
    windSpeedMps: 7.5,
    humidityPct: 55,
    temperatureC: 4.5,
    sky: 'clear' as const,
  };
  const weather = {
    reading,
    verdict: {
      safe: true,
      reason: 'within limits',
      time: T - 30_000,
      validUntil: T + 4.5 * MIN,
      since: T - 120 * MIN,
      reading,
    },
    limits: { maxWindMps: 20, maxCloudPct: 80, maxHumidityPct: 90, maxReadingAgeS: 300 },
  };
  const execution: ExecutionState = {
    state: 'observing',
    why: 'observing M45',
    since: T - 9 * MIN,
    cause: null,
    paused: null,
    running: { blockId: 'm45', requestId: 'm45', targetName: 'M45', observationId: 7 },
    safe: true,
    safety: 'weather within limits; the Sun at -27.3°',
    planVersion: 4,
    next: { blockId: 'grb', targetName: 'GRB 261129A', at: T + 14 * MIN },
  };
  const devices = {
    telescope: { status: 'tracking' as const, pointing: M45 },
    dome: 'open' as const,
    filter: 'R',
    focuser: 50_000,
    links: [{ name: 'telescope', state: 'up' as const }],
    observing: { observationId: 7, block: m45 },
    safety: { safe: true, reason: 'weather within limits; the Sun at -27.3°' },
  };
  const counts = Object.fromEntries(TASK_STATES.map((s) => [s, 0]));
  const tasks = {
    broker: `sqlite:${join(omDataDir, '..', 'analyzer', 'tasks.db')}`,
    workers: 1,
    counts: { ...counts, PENDING: 1, SUCCESS: 1 },
  };
  const entry = (minutes: number, from: string, to: string, message: string): LogEntry => ({
    time: T + minutes * MIN,
    from,
    to,
    message,
  });
  const logs: Record<string, LogEntry[]> = {
    alert_manager: [entry(-3, 'dashboard', 'alert_manager', 'Notice')],
    scheduler: [
      entry(-8.9, 'observation_manager', 'scheduler', 'Observation started'),
      entry(-7.9, 'alert_manager', 'scheduler', 'New alert'),
    ].reverse(),
    majordome: [
      entry(-7.5, 'scheduler', 'majordome', 'Plan updated'),
      entry(-1, 'dashboard', 'majordome', 'Resume'),
    ].reverse(),
    observation_manager: [entry(-9.5, 'majordome', 'observation_manager', 'Start observation')],
    monitoring: [],
    analyzer: [
      entry(-4, 'observation_manager', 'analyzer', 'New image'),
      entry(-2, 'observation_manager', 'analyzer', 'New image'),
    ].reverse(),
  };
  const alertSources: AlertSourceView[] = [
    {
      url: 'vtp-listen://127.0.0.1:8098',
      state: 'listening',
      detail: 'VTP receiver on 127.0.0.1:8098',
      since: T - 60 * MIN,
    },
    {
      url: 'gcn-kafka:',
      state: 'connected',
      detail: 'consuming 16 topics as group pyros-ts-test',
      since: T - 50 * MIN,
      lastHeartbeatAt: T - 2 * MIN,
      warning: 'no gcn.heartbeat for 120 s (limit 60 s): reconnecting',
    },
  ];
  return {
    plan,
    requests,
    observations,
    images,
    analyses,
    alerts,
    alertSources,
    weather,
    execution,
    devices,
    tasks,
    logs,
  };
}

/** Every message of every log, newest first. */
export function allMessages(data: NightData): LogEntry[] {
  return Object.values(data.logs)
    .flat()
    .sort((a, b) => b.time - a.time);
}

const json = (value: unknown) => JSON.stringify(value);

/**
 * The reply scripts of `agent` (one of {@link OWNERS}) over `data`: each query answered as its
 * owner does (limits, filters by id and state, `Image data` read from the file in pieces).
 */
export function ownerScripts(agent: string, data: NightData): Record<string, string> {
  const log = `return { messages: ${json(data.logs[agent] ?? [])}.slice(0, payload?.limit ?? 100) };`;
  switch (agent) {
    case 'alert_manager':
      // A notice is recorded once by ivorn (accepted, drill or not; the same ivorn again is a
      // duplicate); the request ids count up: alert-1, alert-2…
      return {
        Messages: log,
        Alerts: `return { alerts: [...(state.alerts ?? []), ...${json(data.alerts)}].slice(0, payload?.limit ?? 20) };`,
        'Alert sources': `return { sources: ${json(data.alertSources)} };`,
        Notice: `const ivorn = /ivorn="([^"]+)"/.exec(payload.text)?.[1] ?? 'ivo://unknown';
          state.alerts ??= [];
          if ([...state.alerts, ...${json(data.alerts)}].some((a) => a.ivorn === ivorn))
            return { outcome: 'duplicate', reason: 'already received', ivorn, summary: 'duplicate' };
          state.n = (state.n ?? 0) + 1;
          const requestId = 'alert-' + state.n;
          const reason = 'new GRB position: urgent request';
          state.alerts.unshift({ ivorn, receivedAt: ${T} + state.n * 1000, source: payload.source ?? 'message',
            format: 'voevent', role: 'observation', mission: 'Swift', instrument: 'BAT', packetName: 'SWIFT_BAT_GRB_POS_ACK',
            eventKey: 'Swift:' + state.n, classification: null, area90Deg2: null, eventTime: ${T},
            raDeg: 45.1, decDeg: 36.2, errorDeg: 0.05, outcome: 'accepted', reason, requestId, drill: payload.drill === true });
          return { outcome: 'accepted', reason, ivorn, requestId, summary: 'GRB at 45.100 +36.200' };`,
      };
    case 'scheduler':
      return {
        Messages: log,
        Plan: `return ${json(data.plan)};`,
        Requests: `const all = ${json(data.requests)};
          return { requests: all
            .filter((r) => (payload?.ids === undefined || payload.ids.includes(r.id)) && (payload?.states === undefined || payload.states.includes(r.state)))
            .slice(0, payload?.limit ?? 200) };`,
        Replan: `return { version: ${data.plan.version + 1}, blocks: ${data.plan.blocks.length} };`,
      };
    case 'majordome': {
      // The Pause is kept until Resume, as the majordome keeps it.
      const execution = `return state.paused === undefined ? ${json(data.execution)} : { ...${json(data.execution)},
        state: 'paused', since: state.paused.since, paused: state.paused,
        why: 'paused by the operator at ' + new Date(state.paused.since).toISOString().slice(11, 19) + ' UTC (' + state.paused.reason + ')' };`;
      return {
        Messages: log,
        Execution: execution,
        Pause: `state.paused ??= { since: ${T}, reason: payload?.reason ?? 'operator' }; ${execution}`,
        Resume: `delete state.paused; ${execution}`,
      };
    }
    case 'observation_manager':
      return {
        Messages: log,
        Devices: `return ${json(data.devices)};`,
        Observations: `return { observations: ${json(data.observations)}
          .filter((o) => payload?.state === undefined || o.state === payload.state).slice(0, payload?.limit ?? 100) };`,
        Images: `const all = ${json(data.images)};
          return { images: payload?.ids === undefined ? all.slice(0, payload?.limit ?? 12) : all.filter((i) => payload.ids.includes(i.id)) };`,
        // As the observation manager does: the record by id, then the piece of its file.
        'Image data': `const image = ${json(data.images)}.find((i) => i.id === payload.imageId);
          if (image === undefined) throw new Error('no image ' + payload.imageId);
          const bytes = process.getBuiltinModule('node:fs').readFileSync(image.path);
          const offset = payload.offset ?? 0;
          const piece = bytes.subarray(offset, offset + (payload.length ?? 393216));
          return { imageId: image.id, size: bytes.length, offset, data: piece.toString('base64') };`,
        'Close dome': `return { aborted: 7, dome: 'closed', telescope: 'parked' };`,
      };
    case 'monitoring':
      return { Messages: log, Weather: `return ${json(data.weather)};` };
    case 'analyzer':
      return {
        Messages: log,
        Tasks: `return ${json(data.tasks)};`,
        Analyses: `return { analyses: ${json(data.analyses)}.filter((a) => payload.imageIds.includes(a.imageId)) };`,
      };
    default:
      return { Messages: log };
  }
}

let syncs = 0;

/**
 * Gives `peer` these reply scripts and resolves once they are in effect: a script is posted to the
 * peer's thread (no reply), so a marker script posted after them is asked until it answers.
 */
async function scripted(peer: Peer, scripts: Record<string, string>): Promise<void> {
  for (const [message, body] of Object.entries(scripts)) peer.script(message, body);
  const marker = `scripts in effect ${++syncs}`;
  peer.script(marker, `return ${json(marker)};`);
  const until = Date.now() + 10_000;
  while ((await Sender.request(peer.name, marker, undefined, { timeout: 2000 })) !== marker) {
    if (Date.now() > until) throw new Error(`${peer.name}: new scripts not in effect within 10 s`);
  }
}

/** A temp observatory, its agents configured, some of them up as scripted peers. */
export interface DashboardWorld {
  readonly obs: TempObservatory;
  readonly data: NightData;
  /** The peers started, by agent name. */
  readonly peers: ReadonlyMap<string, Peer>;
  /** The peer playing `name` (it must be up). */
  peer(name: string): Peer;
  /**
   * Makes the peer playing `name` answer from `data` (default: the world's own) from now on: a
   * change in its owner's store, as the dashboard will see it. What its scripts keep (a Pause, the
   * notices received) stays. Resolves once the peer answers with the new scripts.
   */
  rescript(name: string, data?: NightData): Promise<void>;
  /** Replaces one reply script of the peer playing `name`; resolves once it is in effect. */
  script(name: string, message: string, body: string): Promise<void>;
  /** Stops the peers and removes the temp folders. */
  stop(): Promise<void>;
}

export interface WorldOptions {
  /** The agents in pyros_agent_config.ini (default: the six owners and the dashboard). */
  readonly configured?: readonly string[];
  /** Those started as peers (default: the six owners); the others are down. */
  readonly up?: readonly string[];
  /** Appended to observatory.ini. */
  readonly ini?: string;
  /** Default: simulated, at {@link T}, speed 1. */
  readonly clock?: SimClock;
}

/** Starts the world the dashboard reads (see the top of this file). */
export async function dashboardWorld(options: WorldOptions = {}): Promise<DashboardWorld> {
  const configured = options.configured ?? [...OBSERVATORY_AGENTS];
  const up = options.up ?? OWNERS;
  const obs = tempObservatory(options.ini ?? '', options.clock ?? new SimClock(T, 1));
  const peers = new Map<string, Peer>();
  try {
    const data = nightData(obs.dataDir('observation_manager'));
    await observatoryConfig(obs, configured);
    await Promise.all(
      up.map(async (name) => {
        peers.set(name, await startPeer(name, ownerScripts(name, data)));
      }),
    );
    const peer = (name: string): Peer => {
      const found = peers.get(name);
      if (found === undefined) throw new Error(`no peer ${name} in this test's world`);
      return found;
    };
    return {
      obs,
      data,
      peers,
      peer,
      rescript: (name, changed = data) => scripted(peer(name), ownerScripts(name, changed)),
      script: (name, message, body) => scripted(peer(name), { [message]: body }),
      async stop() {
        await Promise.all([...peers.values()].map((p) => p.stop()));
        obs.dispose();
      },
    };
  } catch (err) {
    await Promise.all([...peers.values()].map((p) => p.stop()));
    obs.dispose();
    throw err;
  }
}

/** The dashboard's server over an ObservatorySource of `world`, not listening (inject, or listen). */
export function dashboardServer(
  world: DashboardWorld,
  options: Partial<Omit<DashboardServerOptions, 'publicDir'>> = {},
): { source: ObservatorySource; app: FastifyInstance } {
  const source = new ObservatorySource(world.obs.ctx);
  const app = createDashboardServer(source, {
    ...options,
    loopback: options.loopback ?? true,
    publicDir: tempPublicDir(world.obs.dir),
  });
  return { source, app };
}

/** A folder standing in for the page (the real one is tested in the browser), with its three files. */
export function tempPublicDir(parent = tmpdir()): string {
  const dir = mkdtempSync(join(parent, 'pyros-public-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>test page</title>\n');
  writeFileSync(join(dir, 'app.js'), 'console.log("test page");\n');
  writeFileSync(join(dir, 'style.css'), 'body { margin: 0; }\n');
  return dir;
}
