/** The parsers of `pyros_agent_config.ini` values: each returns the typed value or throws InvalidValue with a full sentence. */
import { isIP } from 'node:net';
import type { WireProtocol } from './agent-endpoint.js';
import { quoteValue } from './config-error.js';

/** Thrown by the value parsers below; agent-endpoint.ts adds the location (file, section, key). */
export class InvalidValue extends Error {}

// configparser's RawConfigParser.BOOLEAN_STATES, compared lower-cased as getboolean() does.
const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['1', true],
  ['yes', true],
  ['true', true],
  ['on', true],
  ['0', false],
  ['no', false],
  ['false', false],
  ['off', false],
]);

export function parseHost(raw: string): string {
  if (raw === 'localhost' || isIP(raw) !== 0) return raw;
  throw new InvalidValue(`${quoteValue(raw)} is not an IPv4 or IPv6 address or "localhost"`);
}

export function parsePort(raw: string): number {
  return parseInteger(raw, 1, 65535, 'a port (1-65535)');
}

export function parseInteger(raw: string, min: number, max: number, what: string): number {
  // Digits only: Python's int() would also take "+5" or "1_000", which nobody means here.
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
  if (value >= min && value <= max) return value;
  throw new InvalidValue(`${quoteValue(raw)} is not ${what}`);
}

export function parseProtocol(raw: string): WireProtocol {
  if (raw === 'framed' || raw === 'text') return raw;
  throw new InvalidValue(`${quoteValue(raw)} is not a protocol (expected "framed" or "text")`);
}

export function parseSecret(raw: string): string {
  // The value is not quoted back: it is a secret.
  if (raw === '') throw new InvalidValue('is empty (give a secret or remove the key)');
  return raw;
}

export function nonEmpty(raw: string): string {
  if (raw === '') throw new InvalidValue('is empty (give a value or remove the key)');
  return raw;
}

export function parseHosts(raw: string): readonly string[] {
  const hosts = raw.split(/[\s,]+/).filter((host) => host !== '');
  for (const host of hosts) {
    if (isIP(host) === 0) throw new InvalidValue(`${quoteValue(host)} is not an IP address`);
  }
  return Object.freeze(hosts);
}

export function parseBoolean(raw: string): boolean {
  const value = BOOLEANS.get(raw.toLowerCase());
  if (value !== undefined) return value;
  throw new InvalidValue(`${quoteValue(raw)} is not a boolean (1/yes/true/on or 0/no/false/off)`);
}

export function parseBrokerUrl(raw: string): string {
  if (/^sqlite:.+/.test(raw) || /^rediss?:\/\/.+/.test(raw)) return raw;
  throw new InvalidValue(`${quoteValue(raw)} is not sqlite:PATH or redis://HOST:PORT/DB`);
}
