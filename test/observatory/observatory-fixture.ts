// Observatory tests log only what matters for a failure (PYROS_LOG_LEVEL=info shows everything).
process.env.PYROS_LOG_LEVEL ??= 'warn';

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../src/observatory/clock/clock.js';
import { SimClock } from '../../src/observatory/clock/sim-clock.js';
import {
  createObservatoryContext,
  type ObservatoryContext,
} from '../../src/observatory/observatory-context.js';
import { loadObservatorySettings } from '../../src/observatory/settings/observatory-settings.js';

/** The repository's shipped observatory folder (site file, routine requests). */
export const SHIPPED = resolve(fileURLToPath(new URL('../../observatory/', import.meta.url)));
/** Real VOEvent samples, copied from ../shared/data/voevents with their SOURCES.txt. */
export const VOEVENTS = resolve(fileURLToPath(new URL('../fixtures/voevents/', import.meta.url)));

/** A temporary observatory: its own settings file and data folder, the shipped site. */
export interface TempObservatory {
  readonly dir: string;
  readonly settingsFile: string;
  readonly ctx: ObservatoryContext;
  dispose(): void;
}

/**
 * Writes `observatory.ini` in a new temp folder (extra sections/keys from `ini`, appended), and
 * opens a context on it with `clock` (default: a simulated clock at speed 1 from
 * 2026-11-29T20:00Z).
 */
export function tempObservatory(
  ini = '',
  clock: Clock = new SimClock(Date.parse('2026-11-29T20:00:00Z'), 1),
): TempObservatory {
  const dir = mkdtempSync(join(tmpdir(), 'pyros-obs-'));
  const settingsFile = join(dir, 'observatory.ini');
  writeFileSync(
    settingsFile,
    `[observatory]\nsite_file = ${join(SHIPPED, 'site.ini')}\ndata_dir = data\n${ini}\n`,
  );
  const ctx = createObservatoryContext(loadObservatorySettings(settingsFile), clock);
  return {
    dir,
    settingsFile,
    ctx,
    dispose: () => {
      try {
        ctx.close();
      } catch {
        // already closed by an agent's shutdown
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
