import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file, in the dashboard's data folder, that keeps the token made at its first start. */
export const TOKEN_FILE = 'dashboard-token';
/** A kept token shorter than this is not trusted (an empty or truncated file): a new one is made. */
const MIN_LENGTH = 16;

/** The first-run token and where it is kept. */
export interface FirstRunToken {
  readonly token: string;
  /** Its file (mode 0600); undefined when it could not be written (then it lasts this run only). */
  readonly file: string | undefined;
  /** Whether it was made now (else read from its file). */
  readonly created: boolean;
  /** Why it could not be kept, when it could not. */
  readonly error?: string;
}

/**
 * The dashboard's token when none is configured, as Jupyter does: made at the first start (32
 * random bytes, base64url) and kept in `dir/dashboard-token`, readable by its owner only (0600),
 * so that later starts reuse it and the link the log printed keeps working. A file left readable
 * by others is made private again.
 */
export function firstRunToken(dir: string): FirstRunToken {
  const file = join(dir, TOKEN_FILE);
  const kept = readKept(file);
  if (kept !== undefined) {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return { token: kept, file, created: false };
  }
  const token = randomBytes(32).toString('base64url');
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    chmodSync(file, 0o600); // a file that existed (too short) keeps its mode through writeFileSync
    return { token, file, created: true };
  } catch (err) {
    return { token, file: undefined, created: true, error: `${file}: ${(err as Error).message}` };
  }
}

function readKept(file: string): string | undefined {
  try {
    const token = readFileSync(file, 'utf8').trim();
    return token.length >= MIN_LENGTH ? token : undefined;
  } catch {
    return undefined;
  }
}
