/**
 * GCN's "unified schema" JSON notices (github.com/nasa-gcn/gcn-schema, `gcn/notices/**`): Einstein
 * Probe WXT, SVOM ECLAIRs/GRM, Fermi GBM/LAT, Swift BAT-GUANO, MAXI GSC, IceCube, KM3NeT,
 * Super-K, CHIME, DSA-110, BurstCube, Glowbug, BOOM, HEASARC… as {@link Notice}s. Every family
 * builds on the same core pieces (Alert, Reporter, Event, DateTime, Localization, Statistics), so
 * one reading serves them all; what a family adds and the observatory does not use is ignored.
 */
import { createHash } from 'node:crypto';
import { mostLikely, normalClass } from './classes.js';
import {
  fieldError,
  fieldOf,
  isJsonObject,
  type JsonObject,
  optNumber,
  optString,
  optTime,
  readPosition,
  show,
} from './gcn-json-fields.js';
import {
  instrumentName,
  missionName,
  missionOfInstrument,
  type Origin,
  schemaOrigin,
  topicOrigin,
} from './gcn-json-origin.js';
import {
  type Notice,
  type NoticeCitation,
  type NoticeClassification,
  NoticeError,
  type NoticeRole,
} from './notice.js';

/** Class names other missions abbreviate, in the GBM vocabulary every gamma-ray mission shares. */
const CLASS_ALIASES: ReadonlyMap<string, string> = new Map([['SF', 'SOLAR_FLARE']]);

/** `raw` of a classification is for the record: its JSON, at most this long. */
const MAX_RAW_CLASSIFICATION = 200;

/**
 * The role from `alert_tense`. Only `current` — or no tense at all: EP's WXT alerts, CHIME's,
 * DSA-110's carry none and are real — is an `observation`. `planned` (an observation still to be
 * made) is a `prediction`: nothing to observe yet. Every other tense — `test`, `injection`,
 * `commanded` (not a sky event), `archival` (a re-analysis of old data: no new event to chase),
 * and any the schema adds later — is a `test`, which the observatory records and observes only
 * when told to observe tests. A notice on a test stream (BurstCube's `test` schema, a `….test.…`
 * topic) is a test whatever its tense: BurstCube's test example says `current`.
 */
function roleOf(tense: string | undefined, testStream: boolean): NoticeRole {
  const t = tense?.toLowerCase();
  if (t === 'planned') return 'prediction';
  if (testStream) return 'test';
  return t === undefined || t === 'current' ? 'observation' : 'test';
}

/** `id`: a string or an array of them (schema v4: numbers too); the first is the main one. */
function readEventIds(o: JsonObject): string[] {
  const v = fieldOf(o, 'id');
  if (v === undefined) return [];
  const list: unknown[] = Array.isArray(v) ? v : [v];
  const ids = list.map((x, i) => {
    const where = Array.isArray(v) ? `id[${i}]` : 'id';
    if (typeof x === 'string') return x.trim();
    if (typeof x === 'number' && Number.isFinite(x)) return String(x);
    throw fieldError(where, `${show(x)} is not a string or a number`);
  });
  // A blank id names nothing: dropped rather than made the event's key.
  return [...new Set(ids.filter((id) => id !== ''))];
}

/** `event_name` (a string or an array: the first), else the known source an FRB repeats from. */
function readName(o: JsonObject): string | undefined {
  const v = fieldOf(o, 'event_name');
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) {
      if (typeof x !== 'string') throw fieldError(`event_name[${i}]`, `${show(x)} is not a string`);
    }
    const first = v.map((x: string) => x.trim()).find((x) => x !== '');
    if (first !== undefined) return first;
  } else if (v !== undefined) {
    const name = optString(o, 'event_name');
    if (name !== undefined) return name;
  }
  return optString(o, 'known_source');
}

/** `record_number`: the notice's place in its event's sequence (1, 2, 3…). */
function readRecordNumber(o: JsonObject): number | undefined {
  const n = optNumber(o, 'record_number');
  if (n !== undefined && !(Number.isInteger(n) && n >= 0)) {
    throw fieldError('record_number', `${n} is not a whole number ≥ 0`);
  }
  return n;
}

/** `classification` ({ class: probability }): the most likely class, normalised, with its probability. */
function readClassification(o: JsonObject): NoticeClassification | undefined {
  const v = fieldOf(o, 'classification');
  if (v === undefined) return undefined;
  if (!isJsonObject(v))
    throw fieldError('classification', `${show(v)} is not an object of class: probability`);
  const entries = Object.entries(v).map(([name, p]): [string, number] => {
    const where = `classification.${name}`;
    if (typeof p !== 'number' || !Number.isFinite(p)) throw fieldError(where, `${show(p)} is not a number`);
    if (p < 0 || p > 1) throw fieldError(where, `${p} is not a probability (0..1)`);
    return [name, p];
  });
  // fromEntries, not assignment: a class named "__proto__" stays a class.
  const best = mostLikely(Object.fromEntries(entries));
  if (best === undefined) return undefined;
  const raw = JSON.stringify(v);
  return {
    class: CLASS_ALIASES.get(best.class) ?? best.class,
    probability: best.probability,
    raw: raw.length > MAX_RAW_CLASSIFICATION ? `${raw.slice(0, MAX_RAW_CLASSIFICATION - 1)}…` : raw,
  };
}

/**
 * The earlier notices this one follows up: the schema's `reference` ({ topic: notice }, e.g.
 * IceCube's `{ "gcn.notices.LVK.alert": "S230914ak-2-Preliminary" }`), entries that name a
 * notice topic; a Circular or an ATel is not a notice. The id is `<topic>:<notice>`.
 */
function readCitations(o: JsonObject): NoticeCitation[] {
  const v = fieldOf(o, 'reference');
  if (v === undefined) return [];
  if (!isJsonObject(v)) throw fieldError('reference', `${show(v)} is not an object of source: reference`);
  const citations: NoticeCitation[] = [];
  for (const [source, ref] of Object.entries(v)) {
    if (typeof ref !== 'string' && !(typeof ref === 'number' && Number.isFinite(ref))) {
      throw fieldError(`reference.${source}`, `${show(ref)} is not a string or a number`);
    }
    const id = String(ref).trim();
    if (/^gcn\.(notices|classic)\./i.test(source) && id !== '') {
      citations.push({ id: `${source}:${id}`, kind: 'followup' });
    }
  }
  return citations;
}

/**
 * A retraction: `alert_type` `retraction` (every family that retracts spells it so: CHIME,
 * DSA-110, MAXI, Swift BAT-GUANO; case ignored, as the early core schema also had `RETRACTION`),
 * or a `notice_type` `Retracted`/`Retraction` (the proposed classic JSON notices).
 */
function isRetraction(alertType: string | undefined, o: JsonObject): boolean {
  if (alertType?.toLowerCase() === 'retraction') return true;
  return /^retract(ed|ion)$/i.test(optString(o, 'notice_type') ?? '');
}

/** A part of the id, with the characters that delimit its parts escaped. */
const idPart = (text: string) => text.replace(/[%/#\s]/g, (c) => encodeURIComponent(c));

/**
 * Reads a GCN unified-schema JSON notice. `text` is the notice as received (kept as `raw`, and
 * hashed into the id), `value` its parsed JSON, `topic` the Kafka topic it came on (names the
 * mission of notices whose fields and `$schema` do not).
 *
 * Mission: the `mission` field, else the `$schema` path, else the topic, else the instrument's
 * mission; normalised to the project's names (`Einstein Probe` → `EP`, `Super-Kamiokande` →
 * `Super-K`…). Instrument: the `instrument` field, else the `$schema` path, else the topic. The
 * notice type is `<MISSION>_<INSTRUMENT>_<alert_type, or the schema's or topic's kind>`, upper
 * case (`EP_WXT_ALERT`, `SVOM_ECLAIRS_UPDATE`, `FERMI_GBM_UPDATE`).
 *
 * The id is `gcn-json:<mission>/<instrument>/<main event id>/<alert_type or notice type>[/<record
 * number>]#<12 hex of the text's sha256>` (`-` for a part it lacks): the same text gives the same
 * id (a notice delivered twice is one notice), two different texts two ids.
 *
 * Throws {@link NoticeError}, one line naming the field, when `value` is not a JSON object, a
 * field has the wrong type (`ra` a string…), a time is not ISO 8601, or a value is absurd (RA
 * outside 0..360, Dec outside -90..90, an error radius over 180°, a probability outside 0..1); and
 * for a GCN Circular or a shared `core/` schema piece, which are not notices.
 */
export function parseGcnJsonNotice(text: string, value: Record<string, unknown>, topic?: string): Notice {
  if (!isJsonObject(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    throw new NoticeError(`gcn json notice: the document is ${kind}, not a JSON object`);
  }
  const schema = optString(value, '$schema');
  const none: Origin = { testStream: false };
  const fromSchema = schema === undefined ? none : schemaOrigin(schema);
  const fromTopic = topic === undefined ? none : topicOrigin(topic);
  const instrumentField = optString(value, 'instrument');
  const instrument =
    instrumentField === undefined
      ? (fromSchema.instrument ?? fromTopic.instrument)
      : instrumentName(instrumentField);
  const missionField = optString(value, 'mission');
  const mission =
    missionField === undefined
      ? (fromSchema.mission ?? fromTopic.mission ?? missionOfInstrument(instrument))
      : missionName(missionField);
  const alertType = optString(value, 'alert_type');
  const kind = alertType ?? fromSchema.kind ?? fromTopic.kind;
  const words = [mission, instrument, kind].filter((w): w is string => w !== undefined).map(normalClass);
  const noticeType = words.length === 0 ? undefined : words.join('_');
  const role = roleOf(optString(value, 'alert_tense'), fromSchema.testStream || fromTopic.testStream);

  const eventIds = readEventIds(value);
  const recordNumber = readRecordNumber(value);
  const issuedAt = optTime(value, 'alert_datetime');
  const eventTime = optTime(value, 'trigger_time');
  const { position, positionNote } = readPosition(value);
  const classification = readClassification(value);
  const name = readName(value);

  const hash = createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12);
  const parts = [mission, instrument, eventIds[0], alertType ?? noticeType].map((p) =>
    p === undefined ? '-' : idPart(p),
  );
  const id = `gcn-json:${parts.join('/')}${recordNumber === undefined ? '' : `/${recordNumber}`}#${hash}`;

  return {
    id,
    format: 'gcn-json',
    role,
    ...(mission === undefined ? {} : { mission }),
    ...(instrument === undefined ? {} : { instrument }),
    ...(noticeType === undefined ? {} : { noticeType }),
    eventIds,
    ...(issuedAt === undefined ? {} : { issuedAt }),
    ...(eventTime === undefined ? {} : { eventTime }),
    ...(position === undefined ? {} : { position }),
    ...(positionNote === undefined ? {} : { positionNote }),
    ...(classification === undefined ? {} : { classification }),
    citations: readCitations(value),
    retraction: isRetraction(alertType, value),
    ...(name === undefined ? {} : { name }),
    raw: text,
  };
}
