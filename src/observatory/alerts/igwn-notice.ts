/**
 * IGWN (LIGO/Virgo/KAGRA) gravitational-wave alerts in their JSON form, as the Kafka topic
 * `igwn.gwalert` carries them (LVK public alerts user guide, "Alert contents"), read into a
 * {@link Notice}, the base64 multi-order sky map summed up on the way.
 */
import { createHash } from 'node:crypto';
import { mostLikely } from './classes.js';
import { type Notice, type NoticeClassification, NoticeError, type SkyMapSummary } from './notice.js';
import { MAX_SKYMAP_BYTES, readSkyMap } from './skymap/skymap.js';
import { parseIsoTime } from './time-scales.js';

/** The kinds of IGWN alert, in the order a superevent may send them. */
export const IGWN_ALERT_TYPES = ['EARLYWARNING', 'PRELIMINARY', 'INITIAL', 'UPDATE', 'RETRACTION'] as const;

/** One of {@link IGWN_ALERT_TYPES}. */
export type IgwnAlertType = (typeof IGWN_ALERT_TYPES)[number];

/** Longer superevent ids are refused: GraceDB's are about ten characters (`S230518h`, `MS181101ab`). */
const MAX_ID_LENGTH = 64;

/** How much of the classification's JSON is kept as its `raw` words. */
const MAX_RAW_CLASSIFICATION = 200;

const STRICT_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function fail(field: string, what: string): never {
  throw new NoticeError(`igwn alert: ${field}: ${what}`);
}

/** A value for a one-line message: its JSON (quotes, escapes), cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requiredString(obj: Record<string, unknown>, key: string, field: string): string {
  const v = obj[key];
  if (v === undefined || v === null) fail(field, 'missing');
  if (typeof v !== 'string') fail(field, `${shown(v)} is ${kindOf(v)}, not a string`);
  return v;
}

/** An ISO 8601 time as UTC ms; one without a zone is UTC (as the user guide's examples all are). */
function time(obj: Record<string, unknown>, key: string, field: string): number {
  const text = requiredString(obj, key, field);
  try {
    return parseIsoTime(text, `igwn alert: ${field}`);
  } catch (err) {
    // parseIsoTime speaks of VOEvents; its message already names the field and the text.
    if (err instanceof NoticeError) throw new NoticeError(err.message);
    throw err;
  }
}

function supereventId(value: Record<string, unknown>): string {
  const id = requiredString(value, 'superevent_id', 'superevent_id');
  if (id === '') fail('superevent_id', 'empty');
  if (id.length > MAX_ID_LENGTH) fail('superevent_id', `${id.length} characters (at most ${MAX_ID_LENGTH})`);
  // It goes into the notice id and file names: letters, digits and a few separators only.
  if (!/^[A-Za-z0-9_.-]+$/.test(id)) fail('superevent_id', `${shown(id)} is not letters and digits`);
  return id;
}

function alertType(value: Record<string, unknown>): IgwnAlertType {
  const type = requiredString(value, 'alert_type', 'alert_type');
  if (!(IGWN_ALERT_TYPES as readonly string[]).includes(type)) {
    fail('alert_type', `${shown(type)} is not ${IGWN_ALERT_TYPES.join(', ')}`);
  }
  return type as IgwnAlertType;
}

function instruments(event: Record<string, unknown>): string | undefined {
  const list = event.instruments;
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list) || !list.every((i) => typeof i === 'string' && i.trim() !== '')) {
    fail('event.instruments', `${shown(list)} is not a list of detector names`);
  }
  return list.length === 0 ? undefined : list.map((i: string) => i.trim()).join(',');
}

/** The most likely source class (CBC alerts only: Burst ones carry none, or `{}`). */
function classification(event: Record<string, unknown>): NoticeClassification | undefined {
  const c = event.classification;
  if (c === undefined || c === null) return undefined;
  if (!isObject(c)) fail('event.classification', `${shown(c)} is ${kindOf(c)}, not an object`);
  const probabilities: Record<string, number> = {};
  for (const [name, p] of Object.entries(c)) {
    if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p > 1) {
      fail(`event.classification.${name}`, `${shown(p)} is not a probability (0..1)`);
    }
    probabilities[name] = p;
  }
  const best = mostLikely(probabilities);
  if (best === undefined) return undefined;
  const raw = JSON.stringify(c);
  return {
    class: best.class,
    probability: best.probability,
    raw: raw.length > MAX_RAW_CLASSIFICATION ? `${raw.slice(0, MAX_RAW_CLASSIFICATION - 3)}...` : raw,
  };
}

/** The sky map from its base64, decoded strictly: Node's decoder skips what it does not know. */
function skyMap(event: Record<string, unknown>): SkyMapSummary | undefined {
  const text = event.skymap;
  if (text === undefined || text === null) return undefined;
  if (typeof text !== 'string') fail('event.skymap', `${kindOf(text)}, not a base64 string`);
  if (text === '') fail('event.skymap', 'empty');
  if (text.length % 4 !== 0 || !STRICT_BASE64.test(text)) fail('event.skymap', 'not valid base64');
  // Refused before decoding: the bound is on the map, and base64 is a third longer.
  if ((text.length / 4) * 3 > MAX_SKYMAP_BYTES + 2) {
    fail('event.skymap', `over ${MAX_SKYMAP_BYTES} bytes once decoded`);
  }
  const bytes = Buffer.from(text, 'base64');
  try {
    return readSkyMap(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  } catch (err) {
    if (err instanceof NoticeError) fail('event.skymap', err.message.replace(/^sky map: /, ''));
    throw err;
  }
}

/** Mock (MDC) superevents and test ones are drills: GraceDB names them MS… and TS…. */
function roleOf(id: string, event: Record<string, unknown> | undefined): Notice['role'] {
  const mdc = event !== undefined && event.search === 'MDC';
  return mdc || /^[MT]/.test(id) ? 'test' : 'observation';
}

function positionNote(retraction: boolean, map: SkyMapSummary | undefined, hasEvent: boolean): string {
  if (!hasEvent) return retraction ? 'retraction: no event' : 'no event';
  if (map === undefined) return 'the alert carries no sky map';
  const area = map.area90Deg2 < 10 ? map.area90Deg2.toFixed(1) : Math.round(map.area90Deg2).toString();
  return `the alert carries a sky map of ${area} deg² (90 %), not an error circle`;
}

/**
 * An IGWN alert (`text`, and `value`, its JSON already parsed) as a {@link Notice}. Throws a
 * {@link NoticeError} of one line naming the field (`igwn alert: superevent_id: missing`) for an
 * alert that is not one: a missing or mistyped field, an unknown alert type, a time that is not
 * ISO 8601, an event that is not an object (or missing where it must be there), a sky map that is
 * not valid base64 or not a readable HEALPix map.
 */
export function parseIgwnAlert(text: string, value: Record<string, unknown>): Notice {
  if (!isObject(value)) throw new NoticeError(`igwn alert: ${kindOf(value)}, not a JSON object`);
  const id = supereventId(value);
  const type = alertType(value);
  const createdText = requiredString(value, 'time_created', 'time_created');
  const issuedAt = time(value, 'time_created', 'time_created');
  const retraction = type === 'RETRACTION';
  const rawEvent = value.event;
  if (rawEvent !== null && rawEvent !== undefined && !isObject(rawEvent)) {
    fail('event', `${kindOf(rawEvent)}, not an object`);
  }
  // Only a retraction comes without its event.
  if (!isObject(rawEvent) && !retraction) fail('event', `missing in a ${type} alert`);
  const event = isObject(rawEvent) ? rawEvent : undefined;
  const external = value.external_coinc;
  if (external !== undefined && external !== null && !isObject(external)) {
    fail('external_coinc', `${kindOf(external)}, not an object`);
  }
  const eventTime = event === undefined ? undefined : time(event, 'time', 'event.time');
  const instrument = event === undefined ? undefined : instruments(event);
  const classified = event === undefined ? undefined : classification(event);
  const map = event === undefined ? undefined : skyMap(event);
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return {
    // The content's hash keeps two alerts of one second apart, and makes a redelivery the same.
    id: `igwn:${id}/${type}/${createdText}#${digest}`,
    format: 'igwn-json',
    role: roleOf(id, event),
    mission: 'LVK',
    ...(instrument === undefined ? {} : { instrument }),
    noticeType: `IGWN_${type}`,
    eventIds: [id],
    issuedAt,
    ...(eventTime === undefined ? {} : { eventTime }),
    positionNote: positionNote(retraction, map, event !== undefined),
    ...(map === undefined ? {} : { skyMap: map }),
    ...(classified === undefined ? {} : { classification: classified }),
    citations: [],
    retraction,
    name: id,
    raw: text,
  };
}
