// Shared by the config tests: temp files, environment and cwd changes that are always undone,
// and the checks every ConfigError must pass.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/index.js';

const made: string[] = [];

/** A new empty folder in the OS temp dir; {@link removeTempDirs} deletes them all. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pyros-config-'));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes `text` to `name` in a new temp folder and returns the file's path. */
export function writeTemp(text: string, name = 'pyros_agent_config.ini'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

/** Sets environment variables (string) or removes them (undefined); returns what undoes it. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.keys(vars).map((name): [string, string | undefined] => [name, process.env[name]]);
  const apply = (values: Iterable<[string, string | undefined]>): void => {
    for (const [name, value] of values) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(Object.entries(vars));
  return () => apply(saved);
}

/** Runs `fn` with environment variables set or removed as {@link setEnv}, then restores them. */
export function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const restore = setEnv(vars);
  try {
    return fn();
  } finally {
    restore();
  }
}

/** Runs `fn` with `dir` as the working directory, then goes back. */
export function inDir<T>(dir: string, fn: () => T): T {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return fn();
  } finally {
    process.chdir(before);
  }
}

export interface ExpectedError {
  readonly file: string;
  readonly section?: string;
  readonly key?: string;
  readonly line?: number;
  /** Fragments the message must contain besides the location. */
  readonly includes?: readonly string[];
}

/**
 * Asserts that `fn` throws a ConfigError at exactly the given location, with a one-line message
 * that names the file, the section and the key.
 */
export function assertConfigError(fn: () => unknown, expected: ExpectedError): ConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  const { message } = caught;
  assert.equal(caught.name, 'ConfigError');
  assert.doesNotMatch(message, /[\r\n]/, 'the message is one line');
  assert.equal(caught.file, expected.file);
  assert.equal(caught.section, expected.section);
  assert.equal(caught.key, expected.key);
  assert.equal(caught.line, expected.line);
  const where = expected.line === undefined ? expected.file : `${expected.file}:${expected.line}`;
  assert.ok(message.startsWith(`${where}: `), `message starts with the location: ${message}`);
  if (expected.section !== undefined) assert.ok(message.includes(`[${expected.section}]`), message);
  if (expected.key !== undefined) assert.ok(message.includes(` ${expected.key}: `), message);
  for (const fragment of expected.includes ?? [])
    assert.ok(message.includes(fragment), `${fragment} in ${message}`);
  return caught;
}
