/**
 * The network interface of one agent, as given by its section of `pyros_agent_config.ini`, and
 * the validation that turns raw INI values into it.
 */
import { ConfigError } from './config-error.js';
import {
  InvalidValue,
  nonEmpty,
  parseBoolean,
  parseBrokerUrl,
  parseHost,
  parseHosts,
  parseInteger,
  parsePort,
  parseProtocol,
  parseSecret,
} from './endpoint-values.js';
import { DEFAULT_SECTION, type IniDocument } from './ini-parser.js';

/** `framed`: the fast length-prefixed protocol; `text`: the protocol of the Python PyROS. */
export type WireProtocol = 'framed' | 'text';

/** How to reach one agent and how it wants to be run. */
export interface AgentEndpoint {
  /** The section name, e.g. `scheduler`. */
  readonly name: string;
  /** Key `ip` (required): an IPv4 or IPv6 literal, or `localhost`. */
  readonly ip: string;
  /** Key `receive_port` (required): the TCP port the agent listens on, 1-65535. */
  readonly receivePort: number;
  /** Key `protocol`: `framed` (default) or `text`. */
  readonly protocol: WireProtocol;
  /** Key `secret`: the shared HMAC secret; else `PYROS_SECRET`, else none. Never empty. */
  readonly secret?: string;
  /** Key `allowed_hosts`: IPs (comma or space separated) that may use the text protocol when a secret is set. */
  readonly allowedHosts: readonly string[];
  /** Key `module`: a path (relative to the config file's folder) or package specifier of the app module that starts this agent. Kept as written. */
  readonly module?: string;
  /** Key `app`: the name of a built-in app, e.g. `example_ping`. Exclusive with `module`. */
  readonly app?: string;
  /** Key `autostart` (configparser boolean, default true): whether `pyros start` without names starts it. */
  readonly autostart: boolean;
  /** Key `max_message_bytes` (integer >= 1024, default 1048576): the largest accepted message. */
  readonly maxMessageBytes: number;
  /** Key `concurrency` (integer >= 1, default 1): how many messages are handled at once. */
  readonly concurrency: number;
  /** Key `broker`: the task broker URL (`sqlite:PATH` or `redis://HOST:PORT/DB`) for task calls; usually set in `[DEFAULT]`. */
  readonly broker?: string;
  /** Key `observatory`: the observatory settings file (`observatory.ini`), relative to the config file's folder; usually set in `[DEFAULT]`. */
  readonly observatory?: string;
}

type Configurable = Omit<AgentEndpoint, 'name'>;

/** What to do when a key is absent: fail, or use a value (possibly `undefined`). */
type Absent<T> = 'required' | { readonly value: T };

interface FieldSpec<T> {
  /** The INI key. */
  readonly key: string;
  /** What a valid value looks like, for the message of a missing required key. */
  readonly expected: string;
  /** Turns the raw value into the typed one; throws InvalidValue with a full sentence. */
  readonly parse: (raw: string) => T;
  readonly absent: Absent<T>;
}

const MAX_INT = Number.MAX_SAFE_INTEGER;
const NO_HOSTS: readonly string[] = Object.freeze([]);

/**
 * Every known key, one line each. The mapped type makes the compiler reject an AgentEndpoint
 * field that has no line here, so a new key cannot be half-added.
 */
const FIELDS: { readonly [F in keyof Required<Configurable>]: FieldSpec<Configurable[F]> } = {
  ip: {
    key: 'ip',
    expected: 'an IPv4 or IPv6 address, or "localhost"',
    parse: parseHost,
    absent: 'required',
  },
  receivePort: {
    key: 'receive_port',
    expected: 'a port (integer 1-65535)',
    parse: parsePort,
    absent: 'required',
  },
  protocol: {
    key: 'protocol',
    expected: '"framed" or "text"',
    parse: parseProtocol,
    absent: { value: 'framed' },
  },
  secret: { key: 'secret', expected: 'a non-empty secret', parse: parseSecret, absent: { value: undefined } },
  allowedHosts: {
    key: 'allowed_hosts',
    expected: 'IP addresses',
    parse: parseHosts,
    absent: { value: NO_HOSTS },
  },
  module: {
    key: 'module',
    expected: 'a module path or specifier',
    parse: nonEmpty,
    absent: { value: undefined },
  },
  app: { key: 'app', expected: 'a built-in app name', parse: nonEmpty, absent: { value: undefined } },
  autostart: { key: 'autostart', expected: 'a boolean', parse: parseBoolean, absent: { value: true } },
  maxMessageBytes: {
    key: 'max_message_bytes',
    expected: 'an integer >= 1024',
    parse: (raw) => parseInteger(raw, 1024, MAX_INT, 'an integer >= 1024'),
    absent: { value: 1048576 },
  },
  concurrency: {
    key: 'concurrency',
    expected: 'an integer >= 1',
    parse: (raw) => parseInteger(raw, 1, MAX_INT, 'an integer >= 1'),
    absent: { value: 1 },
  },
  broker: {
    key: 'broker',
    expected: 'sqlite:PATH or redis://HOST:PORT/DB',
    parse: parseBrokerUrl,
    absent: { value: undefined },
  },
  observatory: {
    key: 'observatory',
    expected: 'a file path',
    parse: nonEmpty,
    absent: { value: undefined },
  },
};

const FIELD_NAMES = Object.keys(FIELDS) as (keyof Configurable)[];

/** The INI keys an agent section (or `[DEFAULT]`) may hold, in table order. */
export const KNOWN_KEYS: readonly string[] = Object.freeze(FIELD_NAMES.map((field) => FIELDS[field].key));

function checkKnownKeys(
  file: string,
  section: string,
  values: Record<string, string>,
  lines: Record<string, number>,
): void {
  for (const key of Object.keys(values)) {
    if (!KNOWN_KEYS.includes(key)) {
      throw new ConfigError(
        { file, section, key, line: lines[key] },
        `unknown key (known keys: ${KNOWN_KEYS.join(', ')})`,
      );
    }
  }
}

/**
 * Checks the `[DEFAULT]` section on its own: unknown keys and bad values. Every value check is
 * about one value, so a default that passes here is valid in every section that inherits it;
 * checking it here also catches mistakes in a file that has no agent section yet.
 *
 * @throws ConfigError naming `[DEFAULT]`, the key and its line.
 */
export function checkDefaults(doc: IniDocument): void {
  checkKnownKeys(doc.file, DEFAULT_SECTION, doc.defaults, doc.defaultLines);
  for (const field of FIELD_NAMES) {
    const key = FIELDS[field].key;
    const raw = doc.defaults[key];
    if (raw !== undefined)
      parseAt(field, raw, { file: doc.file, section: DEFAULT_SECTION, line: doc.defaultLines[key] });
  }
}

/** Options of {@link agentEndpoint}. */
export interface AgentEndpointOptions {
  /** The secret of an agent whose section (and `[DEFAULT]`) has no `secret` key, e.g. `PYROS_SECRET`. */
  readonly defaultSecret?: string | undefined;
}

/**
 * Reads and validates the endpoint of agent `name` from its section, `[DEFAULT]` keys inherited.
 *
 * @throws ConfigError when the section is missing, its name has surrounding spaces, a key is
 *   unknown, a required key is missing, a value is bad, or both `module` and `app` are set.
 */
export function agentEndpoint(
  doc: IniDocument,
  name: string,
  options: AgentEndpointOptions = {},
): AgentEndpoint {
  const file = doc.file;
  const section = doc.sections.get(name);
  if (!section) throw new ConfigError({ file }, `no section [${name}] for agent "${name}"`);
  if (name.trim() !== name) {
    throw new ConfigError(
      { file, section: name, line: section.line },
      'agent name has leading or trailing spaces',
    );
  }
  checkKnownKeys(file, name, section.values, section.lines);
  checkKnownKeys(file, DEFAULT_SECTION, doc.defaults, doc.defaultLines);

  const fields: { -readonly [F in keyof Configurable]?: Configurable[F] } = {};
  for (const field of FIELD_NAMES) {
    const value = readField(doc, name, field);
    if (value !== undefined) setField(fields, field, value);
  }
  if (fields.module !== undefined && fields.app !== undefined) {
    throw new ConfigError(
      { file, section: name, line: section.line },
      'both module and app are set (give one: module for your own code, app for a built-in one)',
    );
  }
  if (fields.secret === undefined && options.defaultSecret) fields.secret = options.defaultSecret;
  // Every required field was read above or readField threw, so the object is complete.
  return Object.freeze({ name, ...fields }) as AgentEndpoint;
}

function setField<F extends keyof Configurable>(
  target: { -readonly [K in keyof Configurable]?: Configurable[K] },
  field: F,
  value: Configurable[F],
): void {
  target[field] = value;
}

function readField<F extends keyof Configurable>(doc: IniDocument, name: string, field: F): Configurable[F] {
  const spec = FIELDS[field];
  const section = doc.sections.get(name);
  const own = section?.values[spec.key];
  if (own !== undefined) {
    return parseAt(field, own, { file: doc.file, section: name, line: section?.lines[spec.key] });
  }
  const inherited = doc.defaults[spec.key];
  if (inherited !== undefined) {
    return parseAt(field, inherited, {
      file: doc.file,
      section: DEFAULT_SECTION,
      line: doc.defaultLines[spec.key],
    });
  }
  if (spec.absent === 'required') {
    throw new ConfigError(
      { file: doc.file, section: name, key: spec.key, line: section?.line },
      `missing required key (${spec.expected})`,
    );
  }
  return spec.absent.value;
}

function parseAt<F extends keyof Configurable>(
  field: F,
  raw: string,
  where: { file: string; section: string; line: number | undefined },
): Configurable[F] {
  const spec = FIELDS[field];
  try {
    return spec.parse(raw);
  } catch (error) {
    if (error instanceof InvalidValue) throw new ConfigError({ ...where, key: spec.key }, error.message);
    throw error;
  }
}
