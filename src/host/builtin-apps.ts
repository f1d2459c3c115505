/**
 * Apps that ship with pyros-ts, by name: a section may say `app = NAME`, or be named NAME with no
 * `module` key. Until the observatory's agents exist, two example agents show messages flowing.
 */
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

const BUILTIN: Readonly<Record<string, string>> = {
  example_ping: `./apps/example-ping${ext}`,
  example_pong: `./apps/example-pong${ext}`,
};

export function builtinAppNames(): string[] {
  return Object.keys(BUILTIN);
}

/** The module URL of a built-in app, or undefined. */
export function builtinAppUrl(name: string): string | undefined {
  const rel = BUILTIN[name];
  return rel === undefined ? undefined : new URL(rel, import.meta.url).href;
}
