import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { inspect } from 'node:util';
import type { Logger } from '../../../logging/logger.js';

/** The environment variables of the GCN client credentials (the names GCN users commonly export). */
export const GCN_CLIENT_ID_ENV = 'GCN_CLIENT_ID';
export const GCN_CLIENT_SECRET_ENV = 'GCN_CLIENT_SECRET';

/**
 * A GCN client's id and secret (https://gcn.nasa.gov/user/credentials). The secret is kept out of
 * sight: not an enumerable property, so `JSON.stringify`, `util.inspect` and pino never print it;
 * only {@link GcnCredentials.secret} gives it, to the token request.
 */
export class GcnCredentials {
  readonly #secret: string;

  constructor(
    /** The client id: an account name, not a secret (it may appear in logs). */
    readonly clientId: string,
    secret: string,
    /** Where they came from, for messages: `$GCN_CLIENT_ID/$GCN_CLIENT_SECRET` or the file's path. */
    readonly from: string,
  ) {
    this.#secret = secret;
  }

  /** The client secret, for the token request's Authorization header and nothing else. */
  secret(): string {
    return this.#secret;
  }

  toJSON(): { clientId: string; from: string } {
    return { clientId: this.clientId, from: this.from };
  }

  [inspect.custom](): string {
    return `GcnCredentials { clientId: '${this.clientId}', from: '${this.from}' }`;
  }
}

/** Where {@link loadGcnCredentials} looks. */
export interface CredentialSources {
  readonly env: NodeJS.ProcessEnv;
  /** `gcn_credentials` as written, or undefined. */
  readonly file: string | undefined;
  /** The folder a relative `file` is relative to (the observatory.ini's). */
  readonly baseDir: string;
  /** Gets the warning of a file that group or others may read. */
  readonly log?: Pick<Logger, 'warn'>;
}

/** Reads a credentials file: `client_id = …` and `client_secret = …`, `#` or `;` comments. */
function readCredentialsFile(path: string, log: Pick<Logger, 'warn'> | undefined): GcnCredentials {
  let text: string;
  let mode: number;
  try {
    text = readFileSync(path, 'utf8');
    mode = statSync(path).mode;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`GCN credentials file ${path}: cannot be read (${code ?? (error as Error).message})`);
  }
  // Said, not refused: a file shared on purpose (a group of operators) still works.
  if ((mode & 0o077) !== 0) {
    log?.warn(
      `GCN credentials file ${path} may be read by group or others (mode ${(mode & 0o777).toString(8)}): chmod 600 it`,
    );
  }
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    // The line itself is never quoted back: it may hold the secret.
    if (m === null) throw new Error(`GCN credentials file ${path}, line ${index + 1}: expected key = value`);
    const key = m[1] as string;
    if (key !== 'client_id' && key !== 'client_secret') {
      throw new Error(
        `GCN credentials file ${path}, line ${index + 1}: unknown key "${key}" (known: client_id, client_secret)`,
      );
    }
    values[key] = (m[2] as string).replace(/^(["'])(.*)\1$/, '$2').trim();
  }
  for (const key of ['client_id', 'client_secret'] as const) {
    if (values[key] === undefined || values[key] === '') {
      throw new Error(`GCN credentials file ${path}: no ${key} (expected a line "${key} = …")`);
    }
  }
  return new GcnCredentials(values.client_id as string, values.client_secret as string, path);
}

/**
 * The GCN client credentials: `$GCN_CLIENT_ID` and `$GCN_CLIENT_SECRET` when set, else the file
 * `gcn_credentials` names. Throws one line naming the variable, or the file and the key, that is
 * missing; no line ever holds the secret.
 */
export function loadGcnCredentials(sources: CredentialSources): GcnCredentials {
  const id = sources.env[GCN_CLIENT_ID_ENV]?.trim() ?? '';
  const secret = sources.env[GCN_CLIENT_SECRET_ENV]?.trim() ?? '';
  if (id !== '' && secret !== '') {
    return new GcnCredentials(id, secret, `$${GCN_CLIENT_ID_ENV}/$${GCN_CLIENT_SECRET_ENV}`);
  }
  if (id !== '' || secret !== '') {
    const [set, unset] =
      id !== '' ? [GCN_CLIENT_ID_ENV, GCN_CLIENT_SECRET_ENV] : [GCN_CLIENT_SECRET_ENV, GCN_CLIENT_ID_ENV];
    throw new Error(`GCN credentials: $${set} is set but $${unset} is not (set both, or neither)`);
  }
  if (sources.file === undefined || sources.file.trim() === '') {
    throw new Error(
      `GCN credentials: none (set $${GCN_CLIENT_ID_ENV} and $${GCN_CLIENT_SECRET_ENV}, or [alert_manager] gcn_credentials = FILE)`,
    );
  }
  const file = sources.file.trim();
  return readCredentialsFile(isAbsolute(file) ? file : resolve(sources.baseDir, file), sources.log);
}
