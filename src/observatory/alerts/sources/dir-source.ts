import { type FSWatcher, watch } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { MAX_NOTICE_BYTES } from '../parse-notice.js';
import {
  type AlertSource,
  type AlertSourceFactory,
  decodeNotice,
  NoticeRefusedError,
  type NoticeSink,
  type SourceContext,
  type SourceStatus,
} from './alert-source.js';
import { StatusKeeper } from './source-status.js';

/** A look at the folder at least this often (ms): fs.watch misses events on some file systems. */
const SCAN_EVERY_MS = 2000;
/** A file whose size and time have not changed for this long is whole (ms). */
const SETTLED_MS = 500;
/** Names that are not notices yet (being written) or not notices at all. */
const SKIPPED = /^\.|\.(tmp|part|partial|swp)$|~$/i;

/**
 * `dir:PATH`: a watched folder, where a file dropped is one notice (XML or JSON) — the way GCN
 * e-mail, a cron job or an operator can feed the observatory. A file is taken once it has stopped
 * changing, handed over, and moved into `PATH/processed/` once recorded, or into `PATH/rejected/`
 * (with `NAME.why.txt`) when it is not a notice. A file whose recording failed stays and is tried
 * again; files left at a restart are taken then (a repeat is recognised by the alert manager).
 * Write elsewhere and rename into the folder to be safe; a file being written is left alone
 * while it grows.
 */
class DirSource implements AlertSource {
  readonly #status: StatusKeeper;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #sink: NoticeSink | undefined;
  #scanning: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  /** What each file looked like at the last scan, to tell a settled file from one being written. */
  readonly #seen = new Map<string, { size: number; mtimeMs: number; at: number }>();
  /** The last failure said of each file, so that a file that keeps failing is said once. */
  readonly #said = new Map<string, string>();

  constructor(
    readonly url: string,
    private readonly dir: string,
    private readonly ctx: SourceContext,
  ) {
    this.#status = new StatusKeeper(url, ctx.now);
  }

  async start(sink: NoticeSink): Promise<void> {
    this.#sink = sink;
    await mkdir(join(this.dir, 'processed'), { recursive: true });
    await mkdir(join(this.dir, 'rejected'), { recursive: true });
    this.#status.set('watching', `watching ${this.dir}`);
    try {
      this.#watcher = watch(this.dir, () => this.#kick());
      this.#watcher.on('error', () => undefined);
    } catch {
      // No inotify (or too many watches): the periodic scan still finds every file.
    }
    this.#timer = setInterval(() => this.#kick(), SCAN_EVERY_MS);
    this.#timer.unref();
    this.#kick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#watcher?.close();
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#scanning;
    this.#status.set('stopped', 'stopped');
  }

  status(): SourceStatus {
    return this.#status.current;
  }

  /** A scan now, or once the one running has ended. */
  #kick(): void {
    if (this.#stopped) return;
    if (this.#scanning !== undefined) {
      this.#again = true;
      return;
    }
    this.#scanning = this.#scan()
      .catch((err: Error) => this.ctx.log.warn(`alert folder ${this.dir}: ${err.message}`))
      .finally(() => {
        this.#scanning = undefined;
        if (this.#again) {
          this.#again = false;
          // A file not yet settled is looked at again once it may have.
          setTimeout(() => this.#kick(), SETTLED_MS).unref();
        }
      });
  }

  async #scan(): Promise<void> {
    const now = Date.now();
    const ready: Array<{ name: string; mtimeMs: number }> = [];
    const names = (await readdir(this.dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && !SKIPPED.test(e.name))
      .map((e) => e.name);
    for (const name of names) {
      const s = await stat(join(this.dir, name)).catch(() => undefined);
      if (s === undefined) continue;
      const before = this.#seen.get(name);
      if (before === undefined || before.size !== s.size || before.mtimeMs !== s.mtimeMs) {
        this.#seen.set(name, { size: s.size, mtimeMs: s.mtimeMs, at: now });
        this.#again = true;
        continue;
      }
      if (now - before.at >= SETTLED_MS) ready.push({ name, mtimeMs: s.mtimeMs });
      else this.#again = true;
    }
    for (const name of this.#seen.keys()) if (!names.includes(name)) this.#seen.delete(name);
    ready.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
    for (const { name } of ready) {
      if (this.#stopped) return;
      await this.#take(name);
    }
    this.#status.set(
      'watching',
      `watching ${this.dir}${names.length > 0 ? `: ${names.length} waiting` : ''}`,
    );
  }

  async #take(name: string): Promise<void> {
    const file = join(this.dir, name);
    const where = `dir ${relative(this.ctx.baseDir, file) || name}`;
    try {
      const bytes = await readFile(file);
      if (bytes.length > MAX_NOTICE_BYTES) {
        throw new NoticeRefusedError(
          `${where}: ${bytes.length} bytes, over the ${MAX_NOTICE_BYTES}-byte limit`,
        );
      }
      await (this.#sink as NoticeSink)({ text: decodeNotice(bytes, where), source: where, file });
      this.#status.noticed();
      await this.#moveTo('processed', name);
      this.#said.delete(name);
    } catch (err) {
      if (err instanceof NoticeRefusedError) {
        this.ctx.log.warn(`${where}: refused, moved to rejected/: ${err.message}`);
        await this.#moveTo('rejected', name);
        await writeFile(join(this.dir, 'rejected', `${name}.why.txt`), `${err.message}\n`).catch(
          () => undefined,
        );
        return;
      }
      const message = (err as Error).message;
      if (this.#said.get(name) !== message) {
        this.#said.set(name, message);
        this.ctx.log.warn(`${where}: not recorded (${message}); tried again at the next look`);
      }
    }
  }

  /** Moves a file into a subfolder, under a new name when that one is taken. */
  async #moveTo(folder: string, name: string): Promise<void> {
    const target = join(this.dir, folder, basename(name));
    const taken = await stat(target).then(
      () => true,
      () => false,
    );
    await rename(join(this.dir, name), taken ? `${target}.${Date.now()}` : target);
    this.#seen.delete(name);
  }
}

export const dirSource: AlertSourceFactory = (url, raw, ctx) => {
  const path = decodeURIComponent(url.pathname);
  if (path === '') throw new Error(`alert source "${raw}": expected dir:PATH`);
  return new DirSource(raw, isAbsolute(path) ? path : resolve(ctx.baseDir, path), ctx);
};
