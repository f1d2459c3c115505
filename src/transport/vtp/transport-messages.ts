/**
 * VTP transport messages: `<trn:Transport role="…">` documents with Origin, Response, TimeStamp and
 * an optional Meta, as the VOEvent Transport Protocol note (§4) defines them and Comet
 * (jdswinbank/Comet, comet/protocol/messages.py) writes them:
 *
 * - iamalive sent by a broker: Origin = the broker's IVORN.
 * - iamalive answered by a subscriber: Origin = the IVORN it answers, Response = its own.
 * - ack / nak of an event: Origin = the event's IVORN, Response = the receiver's own; a nak says
 *   why in Meta/Result.
 */
import { attrOf, childOf, parseXmlDocument, pathOf, textOf, type XmlDocument } from './xml-document.js';

/** The namespace of transport messages (Transport schema v1.1). */
export const TRANSPORT_NAMESPACE = 'http://www.telescope-networks.org/xml/Transport/v1.1';

const SCHEMA_LOCATION =
  'http://telescope-networks.org/schema/Transport/v1.1 http://www.telescope-networks.org/schema/Transport-v1.1.xsd';

/** The roles of a transport message. */
export type TransportRole = 'iamalive' | 'ack' | 'nak' | 'authenticate';

const ROLES: readonly string[] = ['iamalive', 'ack', 'nak', 'authenticate'] satisfies TransportRole[];

/** A transport message as read from the wire. */
export interface TransportMessage {
  readonly role: TransportRole;
  readonly origin: string | undefined;
  readonly response: string | undefined;
  readonly timestamp: string | undefined;
  /** Meta/Result: a nak's reason. */
  readonly result: string | undefined;
}

/** A nak's reason is one line of at most this many characters. */
const MAX_RESULT_CHARS = 500;

function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );
}

/** Comet's timestamp format: UTC to the second. */
function timestamp(at: number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function transport(
  role: TransportRole,
  origin: string,
  response: string | undefined,
  at: number,
  result?: string,
): string {
  const lines = [
    "<?xml version='1.0' encoding='UTF-8'?>",
    `<trn:Transport xmlns:trn="${TRANSPORT_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="1.0" role="${role}" xsi:schemaLocation="${SCHEMA_LOCATION}">`,
    `  <Origin>${escapeXml(origin)}</Origin>`,
  ];
  if (response !== undefined) lines.push(`  <Response>${escapeXml(response)}</Response>`);
  lines.push(`  <TimeStamp>${timestamp(at)}</TimeStamp>`);
  if (result !== undefined) lines.push(`  <Meta><Result>${escapeXml(result)}</Result></Meta>`);
  lines.push('</trn:Transport>');
  return lines.join('\n');
}

/**
 * An iamalive. With `origin` (the IVORN of the iamalive being answered) it is a subscriber's
 * answer: Origin = origin, Response = `localIvorn`. Without, it is a broker's own: Origin = `localIvorn`.
 */
export function buildIamAlive(localIvorn: string, origin?: string, at = Date.now()): string {
  return origin === undefined
    ? transport('iamalive', localIvorn, undefined, at)
    : transport('iamalive', origin, localIvorn, at);
}

/** An ack of the event whose IVORN is `origin`, from `localIvorn`. */
export function buildAck(localIvorn: string, origin: string, at = Date.now()): string {
  return transport('ack', origin, localIvorn, at);
}

/** A nak of the event whose IVORN is `origin`, from `localIvorn`; `reason` goes in Meta/Result, on one line. */
export function buildNak(localIvorn: string, origin: string, reason: string, at = Date.now()): string {
  const line = reason.replace(/\s+/g, ' ').trim();
  const short = line.length > MAX_RESULT_CHARS ? `${line.slice(0, MAX_RESULT_CHARS - 1)}…` : line;
  return transport('nak', origin, localIvorn, at, short);
}

/**
 * Reads a transport message; undefined when the document is well-formed but not one (a VOEvent,
 * another root, or an unknown role). Throws XmlDocumentError when it is not XML at all.
 */
export function readTransportMessage(xml: string, maxBytes?: number): TransportMessage | undefined {
  return transportMessageOf(parseXmlDocument(xml, maxBytes));
}

/** The transport message a parsed document is, or undefined. */
export function transportMessageOf({ rootName, root }: XmlDocument): TransportMessage | undefined {
  const role = attrOf(root, 'role');
  if (rootName !== 'Transport' || role === undefined || !ROLES.includes(role)) return undefined;
  const text = (name: string) => textOf(childOf(root, name)) || undefined;
  return {
    role: role as TransportRole,
    origin: text('Origin'),
    response: text('Response'),
    timestamp: text('TimeStamp'),
    result: textOf(pathOf(root, 'Meta', 'Result')) || undefined,
  };
}
