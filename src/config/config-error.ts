/**
 * Where a configuration problem was found. Every field but `file` is optional because some
 * problems (an unreadable file, a missing file) have no section, key or line.
 */
export interface ConfigLocation {
  readonly file: string;
  readonly section?: string | undefined;
  readonly key?: string | undefined;
  readonly line?: number | undefined;
}

/**
 * A problem in `pyros_agent_config.ini` (or in finding it).
 *
 * The message is always a single line that starts with the location, so that it reads well in a
 * log line or a CLI error, e.g.
 * `/etc/pyros/pyros_agent_config.ini:12: [scheduler] receive_port: "abc" is not a port (integer 1-65535)`.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly file: string;
  readonly section?: string;
  readonly key?: string;
  readonly line?: number;
  /** The problem without the location prefix. */
  readonly detail: string;

  /**
   * @param location - where the problem is; `file` is required.
   * @param detail - what is wrong, without the location (it is prefixed here).
   */
  constructor(location: ConfigLocation, detail: string) {
    super(formatMessage(location, detail));
    this.file = location.file;
    if (location.section !== undefined) this.section = location.section;
    if (location.key !== undefined) this.key = location.key;
    if (location.line !== undefined) this.line = location.line;
    this.detail = detail;
  }
}

function formatMessage(location: ConfigLocation, detail: string): string {
  let where = location.file;
  if (location.line !== undefined) where += `:${location.line}`;
  let what = '';
  if (location.section !== undefined) what += `[${location.section}] `;
  if (location.key !== undefined) what += `${location.key}: `;
  // Multi-line values and odd file names must not break the one-line promise.
  return `${where}: ${what}${detail}`.replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * Quotes a user-supplied value for an error message: JSON quoting makes whitespace and control
 * characters visible, and long values are cut so that the message stays readable.
 */
export function quoteValue(value: string, max = 80): string {
  const cut = value.length > max ? `${value.slice(0, max)}...` : value;
  return JSON.stringify(cut);
}
