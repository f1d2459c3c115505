import { type TransportMessage, type TransportRole, transportMessageOf } from './transport-messages.js';
import { attrOf, DEFAULT_MAX_XML_BYTES, parseXmlDocument, XmlDocumentError } from './xml-document.js';

/** The roles of a VOEvent (VOEvent 2.0 §2.1): what tells an event from a transport message on the wire. */
export const VOEVENT_ROLES = ['observation', 'prediction', 'utility', 'test'] as const;

/** An event as VTP delivers it to a handler. */
export interface VtpEvent {
  readonly ivorn: string;
  readonly role: string;
  /** The remote address, host:port. */
  readonly peer: string;
}

/** Handles one event's XML; the ack is sent once it resolves, a nak if it throws. */
export type VtpEventHandler = (xml: string, event: VtpEvent) => unknown;

/** What a VTP frame holds. */
export type VtpPayload =
  | { readonly kind: 'transport'; readonly message: TransportMessage }
  | { readonly kind: 'voevent'; readonly xml: string; readonly ivorn: string; readonly role: string }
  /** Not something VTP carries; `ivorn` when it was a VOEvent with one (what a nak names as Origin). */
  | { readonly kind: 'invalid'; readonly reason: string; readonly ivorn?: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Tells what a frame body is: a transport message, a VOEvent with an IVORN and a VOEvent role
 * (enough for VTP to ack it; the handler judges the rest), or invalid, with the reason in one line.
 */
export function classifyVtpPayload(body: Buffer | string, maxBytes = DEFAULT_MAX_XML_BYTES): VtpPayload {
  let xml: string;
  try {
    xml = typeof body === 'string' ? body : utf8.decode(body);
  } catch {
    return { kind: 'invalid', reason: 'not UTF-8 text' };
  }
  let doc: ReturnType<typeof parseXmlDocument>;
  try {
    doc = parseXmlDocument(xml, maxBytes);
  } catch (err) {
    if (err instanceof XmlDocumentError) return { kind: 'invalid', reason: err.message };
    throw err;
  }
  const { rootName, root } = doc;
  if (rootName === 'Transport') {
    const message = transportMessageOf(doc);
    if (message) return { kind: 'transport', message };
    return { kind: 'invalid', reason: `transport message with unknown role "${attrOf(root, 'role') ?? ''}"` };
  }
  if (rootName !== 'VOEvent') {
    return { kind: 'invalid', reason: `not a VOEvent: the root element is <${rootName}>` };
  }
  const ivorn = attrOf(root, 'ivorn')?.trim();
  if (!ivorn) return { kind: 'invalid', reason: 'VOEvent@ivorn is missing' };
  const role = attrOf(root, 'role');
  if (role === undefined || !(VOEVENT_ROLES as readonly string[]).includes(role)) {
    return {
      kind: 'invalid',
      ivorn,
      reason: `VOEvent@role "${role ?? ''}" is not ${VOEVENT_ROLES.join(', ')}`,
    };
  }
  return { kind: 'voevent', xml, ivorn, role };
}

/**
 * The role a VTP document plays: a transport role, `'voevent'` for an event, or undefined for
 * anything else (not XML, another root, an unknown role).
 */
export function transportRole(xml: string): TransportRole | 'voevent' | undefined {
  const p = classifyVtpPayload(xml);
  return p.kind === 'transport' ? p.message.role : p.kind === 'voevent' ? 'voevent' : undefined;
}
