import { type EntityDecoderOptions, XMLParser, XMLValidator } from 'fast-xml-parser';

/** The size over which a VOEvent or transport message is refused unread: 1 MiB (real notices are under 20 kB). */
export const DEFAULT_MAX_XML_BYTES = 1024 * 1024;

/** A parsed element: attributes under `@name` (namespace prefix removed), children by local name, text under `#text`. */
export interface XmlElement {
  readonly [key: string]: XmlNode | XmlNode[] | undefined;
}

/** An element with neither attributes nor children is read as its (trimmed) text. */
export type XmlNode = string | XmlElement;

/** What is wrong with a document that could not be read, in one line. */
export class XmlDocumentError extends Error {
  override readonly name = 'XmlDocumentError';
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeReference(match: string, ref: string): string {
  if (ref[0] !== '#') return PREDEFINED[ref] ?? match;
  const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
  const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
  return valid ? String.fromCodePoint(code) : match;
}

/**
 * XML's five predefined entities and character references, nothing else: entities a DTD declares
 * are never expanded (no "billion laughs"), whatever fast-xml-parser's DOCTYPE reader collects.
 * One pass, so `&amp;#65;` stays `&#65;`.
 */
const entityDecoder: EntityDecoderOptions = {
  decode: (text) =>
    text.includes('&')
      ? text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z]+);/g, decodeReference)
      : text,
  addInputEntities: () => {},
  setExternalEntities: () => {},
  reset: () => {},
  setXmlVersion: () => {},
};

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  // VOEvents come with and without a `voe:` prefix on the root; children and attributes never need
  // their namespace to be told apart, so every prefix goes, on elements and attributes alike.
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  entityDecoder,
  maxNestedTags: 64,
});

/** A parsed document: its root element's local name and content. */
export interface XmlDocument {
  readonly rootName: string;
  readonly root: XmlElement;
}

/**
 * Parses an untrusted XML document safely: refuses more than `maxBytes` (UTF-8) before reading it,
 * refuses any DOCTYPE (a VOEvent has none; a DTD is where entity bombs live), checks that it is
 * well-formed (the error names line and column) and has exactly one root element.
 */
export function parseXmlDocument(xml: string, maxBytes = DEFAULT_MAX_XML_BYTES): XmlDocument {
  const key = `${maxBytes}:${xml}`;
  const known = recent.get(key);
  if (known !== undefined) return known;
  const doc = parseUncached(xml, maxBytes);
  if (recent.size >= RECENT_DOCUMENTS) recent.delete(recent.keys().next().value as string);
  recent.set(key, doc);
  return doc;
}

/**
 * The last few documents parsed, by text: an event is parsed by the VTP receiver (to ack it) and
 * again by its handler (to read it), and each parse costs milliseconds. The parsed trees are
 * only ever read, never changed, so sharing them is safe.
 */
const recent = new Map<string, XmlDocument>();
const RECENT_DOCUMENTS = 4;

function parseUncached(xml: string, maxBytes: number): XmlDocument {
  if (xml.length > maxBytes || Buffer.byteLength(xml, 'utf8') > maxBytes) {
    throw new XmlDocumentError(
      `document of ${Buffer.byteLength(xml, 'utf8')} bytes is over the limit of ${maxBytes} bytes`,
    );
  }
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  if (text.trim() === '') throw new XmlDocumentError('not XML: the document is empty');
  if (/<!DOCTYPE/i.test(text)) {
    throw new XmlDocumentError('DOCTYPE declarations are refused (a VOEvent has no DTD, and no entities)');
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new XmlDocumentError(`not well-formed XML at line ${line}${col ? `, column ${col}` : ''}: ${msg}`);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = parser.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new XmlDocumentError(`XML refused: ${(err as Error).message.split('\n')[0]}`);
  }
  const roots = Object.keys(parsed).filter((k) => !k.startsWith('?') && !k.startsWith('#'));
  const [rootName] = roots;
  if (rootName === undefined) throw new XmlDocumentError('not XML: no root element');
  const root = parsed[rootName];
  if (roots.length > 1 || Array.isArray(root)) {
    throw new XmlDocumentError(`not XML: more than one root element (<${roots.join('>, <')}>)`);
  }
  return { rootName, root: typeof root === 'object' && root !== null ? (root as XmlElement) : {} };
}

/** The children of `el` named `name`, in document order (none: an empty array). */
export function childrenOf(el: XmlNode | undefined, name: string): XmlNode[] {
  if (el === undefined || typeof el === 'string') return [];
  const v = el[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The first child of `el` named `name`. */
export function childOf(el: XmlNode | undefined, name: string): XmlNode | undefined {
  return childrenOf(el, name)[0];
}

/** The element at the end of a path of child names, each step taking the first match. */
export function pathOf(el: XmlNode | undefined, ...names: string[]): XmlNode | undefined {
  let at = el;
  for (const n of names) at = childOf(at, n);
  return at;
}

/** The text content of a node (trimmed by the parser), or undefined if it has none. */
export function textOf(node: XmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return node;
  const t = node['#text'];
  return typeof t === 'string' ? t : undefined;
}

/** An attribute's value (namespace prefix ignored), or undefined. */
export function attrOf(node: XmlNode | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const v = node[`@${name}`];
  return typeof v === 'string' ? v : undefined;
}
