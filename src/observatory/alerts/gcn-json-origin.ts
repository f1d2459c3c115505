/**
 * Who sent a GCN unified-schema JSON notice: its mission and instrument, in the names the project
 * uses, read from the notice's `mission` / `instrument` fields, its `$schema` URL
 * (`…/gcn/notices/einstein_probe/wxt/alert.schema.json`) or the Kafka topic it came on
 * (`gcn.notices.einstein_probe.wxt.alert`).
 */
import { NoticeError } from './notice.js';

/** What a `$schema` URL or a Kafka topic says of a notice. */
export interface Origin {
  readonly mission?: string;
  readonly instrument?: string;
  /** The kind of notice the schema file or topic names (`alert`, `trigger`, `frb`, `gsc.known`…). */
  readonly kind?: string;
  /** The notice came on a test stream (a `test` schema or topic): a test whatever its `alert_tense`. */
  readonly testStream: boolean;
}

/** Lower case, letters and digits only: `Super-Kamiokande`, `super_kamiokande` and `SUPERKAMIOKANDE` meet. */
const keyOf = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

// Maps, not object literals: a notice saying mission "constructor" must not find Object's.
const MISSIONS: ReadonlyMap<string, string> = new Map([
  ['swift', 'Swift'],
  ['fermi', 'Fermi'],
  ['glast', 'Fermi'],
  ['svom', 'SVOM'],
  ['einsteinprobe', 'EP'],
  ['ep', 'EP'],
  ['maxi', 'MAXI'],
  ['icecube', 'IceCube'],
  ['lvk', 'LVK'],
  ['lvc', 'LVK'],
  ['igwn', 'LVK'],
  ['ligo', 'LVK'],
  ['superk', 'Super-K'],
  ['superkamiokande', 'Super-K'],
  ['sk', 'Super-K'],
  ['chime', 'CHIME'],
  ['chimefrb', 'CHIME'],
  ['dsa110', 'DSA-110'],
  ['burstcube', 'BurstCube'],
  ['glowbug', 'Glowbug'],
  ['km3net', 'KM3NeT'],
  ['boom', 'BOOM'],
  ['heasarc', 'HEASARC'],
  ['integral', 'INTEGRAL'],
  ['agile', 'AGILE'],
  ['gecam', 'GECAM'],
  ['calet', 'CALET'],
  ['hawc', 'HAWC'],
  ['konus', 'Konus-Wind'],
  ['konuswind', 'Konus-Wind'],
  ['ipn', 'IPN'],
  ['snews', 'SNEWS'],
  ['amon', 'AMON'],
]);

/** Instruments in their missions' own spelling (ECLAIRs, not ECLAIRS). */
const INSTRUMENTS: ReadonlyMap<string, string> = new Map([
  ['wxt', 'WXT'],
  ['fxt', 'FXT'],
  ['eclairs', 'ECLAIRs'],
  ['grm', 'GRM'],
  ['mxt', 'MXT'],
  ['vt', 'VT'],
  ['gbm', 'GBM'],
  ['lat', 'LAT'],
  ['bat', 'BAT'],
  ['batguano', 'BAT-GUANO'],
  ['xrt', 'XRT'],
  ['uvot', 'UVOT'],
  ['gsc', 'GSC'],
  ['ssc', 'SSC'],
]);

/** The mission of an instrument, for notices that name only the instrument (SVOM's, EP's without a schema). */
const MISSION_OF_INSTRUMENT: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(wxt|fxt)$/, 'EP'],
  [/^(eclairs|grm|mxt|vt)$/, 'SVOM'],
  [/^(gbm|lat)$/, 'Fermi'],
  [/^(bat|batguano|xrt|uvot)$/, 'Swift'],
  [/^(gsc|ssc)$/, 'MAXI'],
  [/^ic\d+$/, 'IceCube'],
  [/^(orca|arca)\d*$/, 'KM3NeT'],
];

/**
 * A mission's name as the project spells it (`Einstein Probe` → `EP`, `Super-Kamiokande` →
 * `Super-K`, `GLOWBUG` → `Glowbug`); then by its first word (`Fermi GBM`, a classic topic's
 * `FERMI_GBM_ALERT` → `Fermi`). Unknown: as written, or upper case when read from a path.
 */
export function missionName(text: string, fromPath = false): string {
  const first = text.split(/[\s_/-]+/).find((w) => w !== '') ?? '';
  const known = MISSIONS.get(keyOf(text)) ?? MISSIONS.get(keyOf(first));
  return known ?? (fromPath ? text.toUpperCase() : text.trim());
}

/** An instrument's name in its mission's spelling; unknown: as written, or upper case from a path. */
export function instrumentName(text: string, fromPath = false): string {
  return INSTRUMENTS.get(keyOf(text)) ?? (fromPath ? text.toUpperCase() : text.trim());
}

/** The mission an instrument belongs to, when it is known. */
export function missionOfInstrument(instrument: string | undefined): string | undefined {
  if (instrument === undefined) return undefined;
  const key = keyOf(instrument);
  return MISSION_OF_INSTRUMENT.find(([re]) => re.test(key))?.[1];
}

const isTest = (segment: string) => segment.toLowerCase() === 'test';

/**
 * What a `$schema` URL says: `…/gcn/notices/<mission>[/<instrument>]/<kind>.schema.json` (an
 * optional `classic/` first; a `test` folder or file marks a test stream). A schema that is not
 * GCN's says nothing. Throws NoticeError for a GCN Circular's schema or a shared `core/` piece:
 * neither is a notice.
 */
export function schemaOrigin(url: string): Origin {
  const m = /\/gcn\/(notices|circulars)\b(\/[^?#]*)?/i.exec(url);
  if (m === null) return { testStream: false };
  const shown = JSON.stringify(url.slice(0, 120));
  if (m[1]?.toLowerCase() === 'circulars') {
    throw new NoticeError(`gcn json notice: $schema: ${shown} is a GCN Circular's, not a notice's`);
  }
  const parts = (m[2] ?? '').split('/').filter((p) => p !== '');
  const kind = parts.pop()?.replace(/(\.schema)?\.json$/i, '');
  if (parts[0]?.toLowerCase() === 'classic') parts.shift();
  if (parts[0]?.toLowerCase() === 'core') {
    throw new NoticeError(
      `gcn json notice: $schema: ${shown} is a shared piece of the schema (core), not a notice`,
    );
  }
  const [missionPart, ...rest] = parts;
  const instrumentPart = rest.find((p) => !isTest(p));
  // `neutrino/` holds the base schema the neutrino telescopes extend: it names no mission.
  const mission =
    missionPart === undefined || missionPart.toLowerCase() === 'neutrino'
      ? undefined
      : missionName(missionPart, true);
  return {
    ...(mission === undefined ? {} : { mission }),
    ...(instrumentPart === undefined ? {} : { instrument: instrumentName(instrumentPart, true) }),
    ...(kind === undefined || kind === '' ? {} : { kind }),
    testStream: rest.some(isTest) || (kind !== undefined && isTest(kind)),
  };
}

/** Words of a topic that name a format, not a mission or instrument (`gcn.notices.svom.voevent.eclairs`). */
const FORMAT_WORDS = new Set(['voevent', 'json', 'text', 'binary']);

/**
 * What a Kafka topic says: `gcn.notices.<mission>[.<instrument>][.<kind>]`
 * (`gcn.notices.einstein_probe.wxt.alert`, `gcn.notices.chime.frb`, `gcn.notices.icecube.test.…`).
 * The segment after the mission is an instrument when it is a known one, or when a kind follows it.
 */
export function topicOrigin(topic: string): Origin {
  let parts = topic.split('.').filter((p) => p !== '');
  if (parts[0]?.toLowerCase() === 'gcn') parts = parts.slice(1);
  if (parts[0] !== undefined && ['notices', 'classic'].includes(parts[0].toLowerCase()))
    parts = parts.slice(1);
  parts = parts.filter((p) => !FORMAT_WORDS.has(p.toLowerCase()));
  const [missionPart, ...rest] = parts;
  const words = rest.filter((p) => !isTest(p));
  const instrumentPart =
    words.find((p) => INSTRUMENTS.has(keyOf(p))) ?? (words.length >= 2 ? words[0] : undefined);
  const kind = words.at(-1);
  return {
    ...(missionPart === undefined ? {} : { mission: missionName(missionPart, true) }),
    ...(instrumentPart === undefined ? {} : { instrument: instrumentName(instrumentPart, true) }),
    ...(kind === undefined || kind === instrumentPart ? {} : { kind }),
    testStream: rest.some(isTest),
  };
}
