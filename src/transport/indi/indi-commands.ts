// What a client may send to a defined vector, checked against the vector before anything goes
// out: the property must be defined, writable, of the right type, and every element named must
// be one of its own. Each refusal is an IndiError of one line.
import { IndiError, type IndiSwitchVector, type IndiVector } from './indi-types.js';
import { newNumberVectorXml, newSwitchVectorXml, newTextVectorXml } from './indi-writer.js';

/** Switches to set: the names to turn On, or each switch's wanted state. */
export type IndiSwitchValues = readonly string[] | Readonly<Record<string, boolean>>;

/** Values for any writable vector: numbers, texts, or switches (see {@link IndiSwitchValues}). */
export type IndiRequestValues = Readonly<Record<string, number | string | boolean>> | readonly string[];

type Writable = 'Number' | 'Switch' | 'Text';

function refuse(device: string, name: string, why: string): never {
  throw new IndiError(`${device}.${name} ${why}`, { device, property: name });
}

/** The vector, once it is known to be defined, writable and of `type`. */
export function writableVector(
  vector: IndiVector | undefined,
  device: string,
  name: string,
  type?: Writable,
): IndiVector & { type: Writable } {
  if (vector === undefined) return refuse(device, name, 'is not defined');
  if (type !== undefined && vector.type !== type) {
    return refuse(device, name, `is a ${vector.type} vector, not ${type}`);
  }
  if (vector.type !== 'Number' && vector.type !== 'Switch' && vector.type !== 'Text') {
    return refuse(device, name, `is a ${vector.type} vector: clients cannot set it`);
  }
  if (vector.perm === 'ro') return refuse(device, name, 'is read-only');
  return vector;
}

function checkNames(vector: IndiVector, names: readonly string[]): void {
  if (names.length === 0) refuse(vector.device, vector.name, 'was given no values to send');
  for (const n of names) {
    if (!vector.elements.has(n)) {
      const has = [...vector.elements.keys()].join(', ');
      refuse(vector.device, vector.name, `has no element ${n} (it has ${has})`);
    }
  }
}

function typed<T>(
  vector: IndiVector,
  values: Readonly<Record<string, unknown>>,
  kind: string,
): [string, T][] {
  const entries = Object.entries(values);
  checkNames(
    vector,
    entries.map(([n]) => n),
  );
  for (const [n, v] of entries) {
    if (typeof v !== kind)
      refuse(vector.device, vector.name, `element ${n}: ${JSON.stringify(v)} is not a ${kind}`);
  }
  return entries as [string, T][];
}

/**
 * The switches to send. Names (an array) say which are On: for OneOfMany exactly one, and only it
 * is sent, as INDI expects (the driver turns the others Off); for AtMostOne at most one (none
 * sends all Off); for AnyOfMany the whole vector is sent, the named On and the rest Off.
 * A record is sent as given, but more than one On in a OneOfMany/AtMostOne vector is refused.
 */
export function switchEntries(vector: IndiSwitchVector, on: IndiSwitchValues): [string, boolean][] {
  const { device, name, rule } = vector;
  if (Array.isArray(on)) {
    const names = on as readonly string[];
    if (names.length > 0) checkNames(vector, names);
    if (rule === 'OneOfMany' && names.length !== 1) {
      refuse(device, name, `is OneOfMany: name exactly one switch to turn On (got ${names.length})`);
    }
    if (rule === 'AtMostOne' && names.length > 1)
      refuse(device, name, `is AtMostOne: ${names.length} switches named`);
    if (rule === 'AnyOfMany' || names.length === 0) {
      return [...vector.elements.keys()].map((n) => [n, names.includes(n)]);
    }
    return names.map((n) => [n, true]);
  }
  const entries = typed<boolean>(vector, on as Readonly<Record<string, unknown>>, 'boolean');
  const count = entries.filter(([, v]) => v).length;
  if (rule !== 'AnyOfMany' && count > 1) refuse(device, name, `is ${rule}: ${count} switches On`);
  return entries;
}

/** The new*Vector XML for `values`, after every check. */
export function newVectorXml(
  vector: IndiVector | undefined,
  device: string,
  name: string,
  values: IndiRequestValues,
  type?: Writable,
): string {
  const v = writableVector(vector, device, name, type);
  if (v.type === 'Switch')
    return newSwitchVectorXml(device, name, switchEntries(v, values as IndiSwitchValues));
  if (Array.isArray(values)) return refuse(device, name, `is a ${v.type} vector: values must be a record`);
  const record = values as Readonly<Record<string, unknown>>;
  if (v.type === 'Number') return newNumberVectorXml(device, name, typed<number>(v, record, 'number'));
  return newTextVectorXml(device, name, typed<string>(v, record, 'string'));
}
