import { type KeySpec, num, optionalStr } from './ini-section.js';

/**
 * The GCN Kafka topics read by default: GCN Classic VOEvents of Swift BAT/XRT/UVOT and Fermi
 * GBM/LAT positions, SVOM's VOEvents, Einstein Probe WXT's JSON alerts, IGWN's gravitational-wave
 * alerts. `gcn.heartbeat` is always read besides, as the feed's watchdog.
 */
export const DEFAULT_GCN_TOPICS = [
  'gcn.classic.voevent.SWIFT_BAT_GRB_POS_ACK',
  'gcn.classic.voevent.SWIFT_XRT_POSITION',
  'gcn.classic.voevent.SWIFT_UVOT_POS',
  'gcn.classic.voevent.FERMI_GBM_ALERT',
  'gcn.classic.voevent.FERMI_GBM_FLT_POS',
  'gcn.classic.voevent.FERMI_GBM_GND_POS',
  'gcn.classic.voevent.FERMI_GBM_FIN_POS',
  'gcn.classic.voevent.FERMI_LAT_POS_INI',
  'gcn.classic.voevent.FERMI_LAT_POS_UPD',
  'gcn.classic.voevent.FERMI_LAT_OFFLINE',
  'gcn.notices.svom.voevent.eclairs',
  'gcn.notices.svom.voevent.grm',
  'gcn.notices.svom.voevent.mxt',
  'gcn.notices.einstein_probe.wxt.alert',
  'igwn.gwalert',
] as const;

/** The classes observed, for notices that carry one: a default list, and lists per mission. */
export interface ObserveClasses {
  /** For missions without a list of their own; `*` is every class. */
  readonly any: readonly string[];
  /** By mission, upper case (FERMI, LVK, SVOM…). */
  readonly byMission: Readonly<Record<string, readonly string[]>>;
}

/** `GRB; LVK: BNS NSBH` — a default list, then `MISSION: CLASS …` lists, separated by `;`. */
export function parseObserveClasses(raw: string): ObserveClasses {
  let any: string[] = [];
  const byMission: Record<string, string[]> = {};
  for (const part of raw.split(';')) {
    const text = part.trim();
    if (text === '') continue;
    const m = /^([A-Za-z][A-Za-z0-9 _-]*):(.*)$/.exec(text);
    const classes = (m === null ? text : (m[2] as string))
      .split(/[\s,]+/)
      .filter((c) => c !== '')
      .map((c) => (c === '*' ? c : c.toUpperCase()));
    if (classes.length === 0) throw new Error(`"${text}": no class named (e.g. GRB, or * for all)`);
    for (const c of classes) {
      if (c !== '*' && !/^[A-Z0-9_]+$/.test(c))
        throw new Error(`"${c}" is not a class name (e.g. GRB, SOLAR_FLARE, BNS)`);
    }
    if (m === null) any = classes;
    else byMission[(m[1] as string).trim().toUpperCase()] = classes;
  }
  return { any, byMission };
}

/** A list of names or URLs, separated by commas or white space. */
function list(absent: readonly string[]): KeySpec<readonly string[]> {
  return {
    absent,
    parse: (raw) =>
      raw
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter((s) => s !== ''),
  };
}

/** The `[alert_manager]` keys of alert sources and decisions (docs/alerts.md). */
export const ALERT_SOURCE_KEYS = {
  /** Alert sources by URL: `gcn-kafka:`, `vtp://HOST:PORT`, `vtp-listen://HOST:PORT`, `dir:PATH`. */
  sources: list([]),
  gcn_topics: list(DEFAULT_GCN_TOPICS),
  /** A fixed consumer group, so that a restart resumes where it stopped (default from the observatory's name). */
  gcn_group_id: optionalStr(),
  /** A file holding `client_id` and `client_secret` (else $GCN_CLIENT_ID and $GCN_CLIENT_SECRET). */
  gcn_credentials: optionalStr(),
  /** No `gcn.heartbeat` for this long: a warning, and the client reconnects (seconds). */
  gcn_heartbeat_timeout_s: num(60, 5),
  /** Positions less precise than this are recorded, not observed (degrees; default 3 × field_of_view_deg). */
  max_error_deg: { absent: undefined, parse: (raw: string) => num(0, 0.0001, 180).parse(raw) } as KeySpec<
    number | undefined
  >,
  /** Classes observed, for notices that carry a classification (docs/alerts.md). */
  observe_classes: {
    absent: parseObserveClasses('GRB; LVK: BNS NSBH'),
    parse: parseObserveClasses,
  } as KeySpec<ObserveClasses>,
} as const;
