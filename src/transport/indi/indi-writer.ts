// The messages an INDI client sends, as XML text. Values are escaped with the five entities
// libindi's lilxml decodes (it knows no others), and numbers are plain decimal with round-trip
// digits so that a driver reads exactly the double the caller gave.
import { type IndiBlobMode, IndiError } from './indi-types.js';
import { formatIndiNumber } from './indi-values.js';

/** The protocol version every getProperties proclaims: a libindi driver exits on one without it. */
export const INDI_PROTOCOL_VERSION = '1.7';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
// Characters XML 1.0 does not allow at all: no escape can carry them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

/** Escapes a value for an attribute or content; throws on a character XML cannot carry. */
export function xmlEscape(value: string): string {
  if (FORBIDDEN.test(value)) {
    throw new IndiError(
      `value ${JSON.stringify(value.slice(0, 40))} has a control character XML cannot carry`,
    );
  }
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function attrs(pairs: Record<string, string | undefined>): string {
  return Object.entries(pairs)
    .filter((kv): kv is [string, string] => kv[1] !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(v)}"`)
    .join('');
}

/**
 * `<getProperties>`: all devices, one device, or one property of one device. The server forwards
 * it to the drivers, which answer with def*Vector messages.
 */
export function getPropertiesXml(device?: string, name?: string): string {
  if (name !== undefined && device === undefined)
    throw new IndiError('getProperties with a name needs a device');
  return `<getProperties${attrs({ version: INDI_PROTOCOL_VERSION, device, name })}/>\n`;
}

function newVector(kind: 'Number' | 'Switch' | 'Text', device: string, name: string, body: string[]): string {
  return `<new${kind}Vector${attrs({ device, name })}>\n${body.join('')}</new${kind}Vector>\n`;
}

function one(kind: string, name: string, value: string): string {
  return `  <one${kind}${attrs({ name })}>${value}</one${kind}>\n`;
}

/** `<newNumberVector>`; throws on a value that is not finite. */
export function newNumberVectorXml(device: string, name: string, values: Iterable<[string, number]>): string {
  const body: string[] = [];
  for (const [element, value] of values) {
    if (!Number.isFinite(value)) {
      throw new IndiError(`${device}.${name}.${element}: ${value} is not a finite number`, {
        device,
        property: name,
      });
    }
    body.push(one('Number', element, formatIndiNumber(value)));
  }
  return newVector('Number', device, name, body);
}

/** `<newSwitchVector>`: true is On. */
export function newSwitchVectorXml(
  device: string,
  name: string,
  values: Iterable<[string, boolean]>,
): string {
  const body: string[] = [];
  for (const [element, on] of values) body.push(one('Switch', element, on ? 'On' : 'Off'));
  return newVector('Switch', device, name, body);
}

/** `<newTextVector>`. */
export function newTextVectorXml(device: string, name: string, values: Iterable<[string, string]>): string {
  const body: string[] = [];
  for (const [element, text] of values) body.push(one('Text', element, xmlEscape(text)));
  return newVector('Text', device, name, body);
}

/** `<enableBLOB>`: for one device, or one BLOB property of it. */
export function enableBlobXml(device: string, mode: IndiBlobMode, name?: string): string {
  return `<enableBLOB${attrs({ device, name })}>${mode}</enableBLOB>\n`;
}

/** `<pingRequest>`: indiserver answers `<pingReply uid>` itself, whatever its drivers do. */
export function pingRequestXml(uid: string): string {
  return `<pingRequest${attrs({ uid })}/>\n`;
}
