import { VOEVENT_ROLES } from '../../transport/vtp/vtp-payload.js';
import {
  attrOf,
  childOf,
  childrenOf,
  DEFAULT_MAX_XML_BYTES,
  parseXmlDocument,
  pathOf,
  textOf,
  XmlDocumentError,
  type XmlElement,
  type XmlNode,
} from '../../transport/vtp/xml-document.js';
import { type PacketType, packetType } from './gcn-packet-types.js';
import { type Mission, missionFromIvorn } from './mission.js';
import { parseIsoTime } from './time-scales.js';
import { VoEventError } from './voevent-error.js';
import { readWhereWhen, type SkyPosition } from './voevent-where-when.js';

export { VOEVENT_ROLES } from '../../transport/vtp/vtp-payload.js';
export { VoEventError } from './voevent-error.js';
export type { SkyPosition } from './voevent-where-when.js';

/** The four roles of a VOEvent (VOEvent 2.0 §2.1): only `observation` is a real sky event. */
export type VoEventRole = (typeof VOEVENT_ROLES)[number];

/** How a cited event relates to the citing one. */
export type CitationKind = 'followup' | 'supersedes' | 'retraction';

/** A reference to an earlier event (Citations/EventIVORN). */
export interface VoEventCitation {
  readonly ivorn: string;
  readonly cite: CitationKind;
}

/** What the observatory reads from a VOEvent 2.0 alert. Absent elements are undefined. */
export interface VoEvent {
  readonly ivorn: string;
  readonly role: VoEventRole;
  /** The `version` attribute, e.g. "2.0". */
  readonly version: string | undefined;
  /** Who/AuthorIVORN. */
  readonly authorIvorn: string | undefined;
  /** Who/Date: when the notice was written, UTC ms. */
  readonly date: number | undefined;
  /** WhereWhen ISOTime: when the event happened, UTC ms. */
  readonly eventTime: number | undefined;
  /** WhereWhen coord_system_id, e.g. UTC-FK5-GEO. */
  readonly coordSystem: string | undefined;
  /** Undefined when the notice has no usable position; `positionNote` then says why. */
  readonly position: SkyPosition | undefined;
  readonly positionNote: string | undefined;
  /** The `Packet_Type` param. */
  readonly packetType: number | undefined;
  /** Its name (GCN's, or ours for SVOM's numbering), when known. */
  readonly packetName: string | undefined;
  readonly mission: Mission | undefined;
  /** The trigger or burst id: the first of the params named in {@link TRIGGER_ID_PARAMS}. */
  readonly triggerId: string | undefined;
  /** Why@importance, 0..1. */
  readonly importance: number | undefined;
  /** Why/Inference/Name (or Why/Name), e.g. "GRB 120907". */
  readonly inferenceName: string | undefined;
  readonly citations: readonly VoEventCitation[];
  /** The top-level Description, else What's. */
  readonly description: string | undefined;
  /** Every What/Param, groups flattened: name → value (top-level params first; the first of a name wins). */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Param names that carry the trigger id, in the order they are tried: GCN's `TrigID`, SVOM's
 * `Burst_Id` (the alert sequence, sbYYMMDDnn, in group Svom_Identifiers), and spellings other
 * publishers use. Compared without case.
 */
export const TRIGGER_ID_PARAMS = ['TrigID', 'Trig_ID', 'Trigger_ID', 'TriggerID', 'Burst_Id', 'BurstID'];

const CITES: readonly string[] = ['followup', 'supersedes', 'retraction'] satisfies CitationKind[];

/** Options of {@link parseVoEvent}. */
export interface ParseVoEventOptions {
  /** Documents over this many bytes are refused unread. Default 1 MiB. */
  readonly maxBytes?: number;
}

function collectParams(el: XmlNode | undefined, into: Map<string, string>, groups: XmlNode[]): void {
  for (const p of childrenOf(el, 'Param')) {
    const name = attrOf(p, 'name');
    if (name === undefined || into.has(name)) continue;
    into.set(name, attrOf(p, 'value') ?? textOf(childOf(p, 'Value')) ?? '');
  }
  groups.push(...childrenOf(el, 'Group'));
}

/** What/Param and What/Group/Param (groups nested at any depth), breadth first. */
function readParams(what: XmlNode | undefined): Map<string, string> {
  const params = new Map<string, string>();
  const queue: XmlNode[] = [];
  collectParams(what, params, queue);
  for (let i = 0; i < queue.length; i++) collectParams(queue[i], params, queue);
  return params;
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

function readCitations(root: XmlElement): VoEventCitation[] {
  return childrenOf(childOf(root, 'Citations'), 'EventIVORN').map((e, i) => {
    const where = `Citations/EventIVORN[${i + 1}]`;
    const ivorn = nonEmpty(textOf(e));
    const cite = attrOf(e, 'cite');
    if (ivorn === undefined) throw new VoEventError(`${where}: no IVORN`);
    if (cite === undefined || !CITES.includes(cite)) {
      throw new VoEventError(`${where}: cite "${cite ?? ''}" is not followup, supersedes or retraction`);
    }
    return { ivorn, cite: cite as CitationKind };
  });
}

function readImportance(why: XmlNode | undefined): number | undefined {
  const text = attrOf(why, 'importance');
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new VoEventError(`Why@importance: "${text}" is not a number between 0 and 1`);
  }
  return n;
}

function readPacketType(params: Map<string, string>, fromSvom: boolean): [number?, PacketType?] {
  const text = params.get('Packet_Type');
  if (text === undefined) return [];
  const id = Number(text);
  if (!Number.isInteger(id))
    throw new VoEventError(`What/Param Packet_Type: "${text}" is not a whole number`);
  return [id, packetType(id, fromSvom)];
}

function readTriggerId(params: Map<string, string>): string | undefined {
  const byLowerName = new Map([...params].map(([k, v]) => [k.toLowerCase(), v]));
  for (const name of TRIGGER_ID_PARAMS) {
    const v = nonEmpty(byLowerName.get(name.toLowerCase()));
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * Parses a VOEvent 2.0 document (root `VOEvent`, with or without a namespace prefix). Throws
 * {@link VoEventError} with one line saying what is wrong and where: not XML, too large, a DOCTYPE,
 * another root element, no ivorn or role, or a malformed time, number or citation.
 */
export function parseVoEvent(xml: string, options: ParseVoEventOptions = {}): VoEvent {
  let doc: ReturnType<typeof parseXmlDocument>;
  try {
    doc = parseXmlDocument(xml, options.maxBytes ?? DEFAULT_MAX_XML_BYTES);
  } catch (err) {
    if (err instanceof XmlDocumentError) throw new VoEventError(err.message);
    throw err;
  }
  const { rootName, root } = doc;
  if (rootName !== 'VOEvent') throw new VoEventError(`not a VOEvent: the root element is <${rootName}>`);
  const ivorn = nonEmpty(attrOf(root, 'ivorn'));
  if (ivorn === undefined) throw new VoEventError('VOEvent@ivorn is missing');
  if (!/^ivo:\/\/\S+$/.test(ivorn))
    throw new VoEventError(`VOEvent@ivorn: "${ivorn}" is not an ivo:// IVORN`);
  const role = attrOf(root, 'role');
  if (role === undefined) throw new VoEventError('VOEvent@role is missing');
  if (!(VOEVENT_ROLES as readonly string[]).includes(role)) {
    throw new VoEventError(`VOEvent@role: "${role}" is not ${VOEVENT_ROLES.join(', ')}`);
  }

  const who = childOf(root, 'Who');
  const authorIvorn = nonEmpty(textOf(childOf(who, 'AuthorIVORN')));
  const dateText = nonEmpty(textOf(childOf(who, 'Date')));
  const what = childOf(root, 'What');
  const params = readParams(what);
  const ivornMission = missionFromIvorn(ivorn) ?? missionFromIvorn(authorIvorn);
  const [packetId, type] = readPacketType(params, ivornMission === 'SVOM');
  const why = childOf(root, 'Why');

  return {
    ivorn,
    role: role as VoEventRole,
    version: attrOf(root, 'version'),
    authorIvorn,
    date: dateText === undefined ? undefined : parseIsoTime(dateText, 'Who/Date'),
    ...readWhereWhen(root),
    packetType: packetId,
    packetName: type?.name,
    mission: type?.mission ?? ivornMission,
    triggerId: readTriggerId(params),
    importance: readImportance(why),
    inferenceName: nonEmpty(textOf(pathOf(why, 'Inference', 'Name')) ?? textOf(childOf(why, 'Name'))),
    citations: readCitations(root),
    description:
      nonEmpty(textOf(childOf(root, 'Description'))) ?? nonEmpty(textOf(childOf(what, 'Description'))),
    params: Object.fromEntries(params),
  };
}
