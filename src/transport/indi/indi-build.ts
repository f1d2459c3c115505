// Turns one top-level INDI element, as the parser collected it (tag, attributes, children with
// their text), into a typed message, or into a problem saying in one line why it was refused.
// Children of a tag the vector does not expect are ignored, as libindi ignores them.
import type { IndiInbound, IndiVectorUpdate } from './indi-messages.js';
import type {
  IndiBlobData,
  IndiPropertyType,
  IndiState,
  IndiVectorBase,
  IndiVectorDefinition,
} from './indi-types.js';
import {
  parseIndiNumber,
  parseIndiPerm,
  parseIndiRule,
  parseIndiState,
  parseIndiSwitch,
} from './indi-values.js';

export type Attributes = Readonly<Record<string, string>>;

/** A child element of a message: its text trimmed (libindi trims content), or its decoded BLOB. */
export interface RawElement {
  readonly tag: string;
  readonly attrs: Attributes;
  readonly text: string;
  readonly blob?: IndiBlobData;
}

export interface RawMessage {
  readonly tag: string;
  readonly attrs: Attributes;
  readonly elements: readonly RawElement[];
}

const TYPES: readonly IndiPropertyType[] = ['Number', 'Switch', 'Text', 'Light', 'BLOB'];

/** 'Number' for defNumberVector/setNumberVector, and so on; undefined for other tags. */
export function vectorTypeOf(tag: string): { op: 'def' | 'set'; type: IndiPropertyType } | undefined {
  const m = /^(def|set)(Number|Switch|Text|Light|BLOB)Vector$/.exec(tag);
  if (m === null) return undefined;
  return { op: m[1] as 'def' | 'set', type: TYPES.find((t) => t === m[2]) as IndiPropertyType };
}

/** The tag of a vector's children: defNumber inside defNumberVector, oneNumber inside set... */
export function elementTagOf(op: 'def' | 'set', type: IndiPropertyType): string {
  return `${op === 'def' ? 'def' : 'one'}${type}`;
}

class Refused extends Error {}

function optionalNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = parseIndiNumber(text);
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

/** Builds the message for `raw`, or a problem naming the device and property. */
export function buildMessage(raw: RawMessage): IndiInbound | undefined {
  const { attrs } = raw;
  const where = { device: attrs.device, property: attrs.name };
  try {
    switch (raw.tag) {
      case 'delProperty':
        if (!attrs.device) throw new Refused('delProperty without a device');
        return {
          kind: 'delete',
          device: attrs.device,
          ...(attrs.name ? { name: attrs.name } : {}),
          ...timestampAndMessage(attrs),
        };
      case 'message':
        return {
          kind: 'message',
          ...(attrs.device ? { device: attrs.device } : {}),
          ...(attrs.timestamp ? { timestamp: attrs.timestamp } : {}),
          text: attrs.message ?? '',
        };
      case 'pingReply':
      case 'pingRequest':
        return { kind: raw.tag, uid: attrs.uid ?? '' };
    }
    const vt = vectorTypeOf(raw.tag);
    if (vt === undefined) return undefined; // unknown (or another client's echoed new*Vector)
    if (!attrs.device || !attrs.name) throw new Refused(`${raw.tag} without a device or name`);
    const childTag = elementTagOf(vt.op, vt.type);
    const children = raw.elements.filter((e) => e.tag === childTag);
    for (const e of children) if (!e.attrs.name) throw new Refused(`${childTag} without a name`);
    return vt.op === 'def'
      ? { kind: 'define', vector: buildDefinition(vt.type, attrs, children) }
      : { kind: 'update', update: buildUpdate(vt.type, attrs, children) };
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    const at = where.device ? ` (${where.device}${where.property ? `.${where.property}` : ''})` : '';
    return { kind: 'problem', reason: `${err.message}${at}`, ...dropUndefined(where) };
  }
}

function dropUndefined(where: { device?: string; property?: string }): {
  device?: string;
  property?: string;
} {
  return {
    ...(where.device ? { device: where.device } : {}),
    ...(where.property ? { property: where.property } : {}),
  };
}

function timestampAndMessage(attrs: Attributes): { timestamp?: string; message?: string } {
  return {
    ...(attrs.timestamp ? { timestamp: attrs.timestamp } : {}),
    ...(attrs.message ? { message: attrs.message } : {}),
  };
}

function state(text: string | undefined, what: string): IndiState {
  const s = parseIndiState(text);
  if (s === undefined) throw new Refused(`${what}: state "${text ?? ''}" is none of Idle, Ok, Busy, Alert`);
  return s;
}

function numberValue(e: RawElement): number {
  const n = parseIndiNumber(e.text);
  if (n === undefined) throw new Refused(`number ${e.attrs.name}: "${e.text.slice(0, 40)}" is not a number`);
  return n;
}

function switchValue(e: RawElement): boolean {
  const v = parseIndiSwitch(e.text);
  if (v === undefined)
    throw new Refused(`switch ${e.attrs.name}: "${e.text.slice(0, 40)}" is neither On nor Off`);
  return v;
}

function label(attrs: Attributes): { label?: string } {
  return attrs.label ? { label: attrs.label } : {};
}

function buildDefinition(
  type: IndiPropertyType,
  attrs: Attributes,
  children: readonly RawElement[],
): IndiVectorDefinition {
  const what = `def${type}Vector`;
  const timeout = optionalNumber(attrs.timeout);
  const base: IndiVectorBase = {
    device: attrs.device as string,
    name: attrs.name as string,
    ...label(attrs),
    ...(attrs.group ? { group: attrs.group } : {}),
    state: state(attrs.state, what),
    ...(timeout !== undefined ? { timeout } : {}),
    ...timestampAndMessage(attrs),
  };
  const byName = <T>(make: (e: RawElement) => T) =>
    new Map(children.map((e) => [e.attrs.name as string, make(e)] as const));
  if (type === 'Light') {
    return {
      ...base,
      type,
      elements: byName((e) => ({
        name: e.attrs.name as string,
        ...label(e.attrs),
        value: state(e.text, 'light'),
      })),
    };
  }
  const perm = parseIndiPerm(attrs.perm);
  if (perm === undefined) throw new Refused(`${what}: perm "${attrs.perm ?? ''}" is none of ro, wo, rw`);
  const withPerm = { ...base, perm };
  switch (type) {
    case 'Number':
      return {
        ...withPerm,
        type,
        elements: byName((e) => {
          const [min, max, step] = [e.attrs.min, e.attrs.max, e.attrs.step].map(optionalNumber);
          return {
            name: e.attrs.name as string,
            ...label(e.attrs),
            value: numberValue(e),
            ...(e.attrs.format ? { format: e.attrs.format } : {}),
            ...(min !== undefined ? { min } : {}),
            ...(max !== undefined ? { max } : {}),
            ...(step !== undefined ? { step } : {}),
          };
        }),
      };
    case 'Switch': {
      const rule = parseIndiRule(attrs.rule);
      if (rule === undefined) throw new Refused(`${what}: rule "${attrs.rule ?? ''}" is unknown`);
      return {
        ...withPerm,
        type,
        rule,
        elements: byName((e) => ({ name: e.attrs.name as string, ...label(e.attrs), value: switchValue(e) })),
      };
    }
    case 'Text':
      return {
        ...withPerm,
        type,
        elements: byName((e) => ({ name: e.attrs.name as string, ...label(e.attrs), value: e.text })),
      };
    default:
      return {
        ...withPerm,
        type: 'BLOB',
        elements: byName((e) => ({ name: e.attrs.name as string, ...label(e.attrs) })),
      };
  }
}

function buildUpdate(
  type: IndiPropertyType,
  attrs: Attributes,
  children: readonly RawElement[],
): IndiVectorUpdate {
  const timeout = optionalNumber(attrs.timeout);
  const base = {
    device: attrs.device as string,
    name: attrs.name as string,
    ...(attrs.state !== undefined ? { state: state(attrs.state, `set${type}Vector`) } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
    ...timestampAndMessage(attrs),
  };
  const values = <T>(make: (e: RawElement) => T | undefined) => {
    const out = new Map<string, T>();
    for (const e of children) {
      const v = make(e);
      if (v !== undefined) out.set(e.attrs.name as string, v);
    }
    return out;
  };
  switch (type) {
    case 'Number':
      return { ...base, type, values: values(numberValue) };
    case 'Switch':
      return { ...base, type, values: values(switchValue) };
    case 'Text':
      return { ...base, type, values: values((e) => e.text) };
    case 'Light':
      return { ...base, type, values: values((e) => state(e.text, 'light')) };
    default:
      // A BLOB dropped by the parser (over the limit) has no data: it is left out.
      return { ...base, type: 'BLOB', values: values((e) => e.blob) };
  }
}
