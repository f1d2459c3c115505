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
  dataDirOf,
  type ObservatoryContext,
} from '../../src/observatory/observatory-context.js';
import { loadObservatorySettings } from '../../src/observatory/settings/observatory-settings.js';
import { Sender } from '../../src/sender/sender.js';
import { freePorts, writeConfig } from '../helpers.js';

/** The repository's shipped observatory folder (site file, routine requests). */
export const SHIPPED = resolve(fileURLToPath(new URL('../../observatory/', import.meta.url)));
/** Real VOEvent samples, copied from ../shared/data/voevents with their SOURCES.txt. */
export const VOEVENTS = resolve(fileURLToPath(new URL('../fixtures/voevents/', import.meta.url)));
/** Real GCN, SVOM, LVK and Einstein Probe notices of every family, copied from ../shared/data/notices with SOURCES.txt and LICENSE. */
export const NOTICES = resolve(fileURLToPath(new URL('../fixtures/notices/', import.meta.url)));

/** A temporary observatory: its own settings file and data folder, the shipped site. */
export interface TempObservatory {
  readonly dir: string;
  readonly settingsFile: string;
  readonly ctx: ObservatoryContext;
  /** The data folder of an agent (where its store is). */
  dataDir(agent: string): string;
  dispose(): void;
}

/**
 * Writes `observatory.ini` in a new temp folder (extra sections/keys from `ini`, appended), and
 * makes a context on it with `clock` (default: a simulated clock at speed 1 from
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
    dataDir: (agent) => dataDirOf(ctx, agent),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A pyros_agent_config.ini with these agents on free loopback ports, its `observatory` key on
 * `obs`'s settings, made this process's config (PYROS_AGENT_CONFIG, fresh Sender connections).
 */
export async function observatoryConfig(obs: TempObservatory, agents: readonly string[]): Promise<string> {
  const ports = await freePorts(agents.length);
  const path = writeConfig(
    // As the shipped config: notices up to GCN's 4 MiB reach the alert manager as messages.
    Object.fromEntries(
      agents.map((name, i) => [
        name,
        { port: ports[i] as number, ...(name === 'alert_manager' ? { max_message_bytes: 6291456 } : {}) },
      ]),
    ),
    `[DEFAULT]\nobservatory = ${obs.settingsFile}\n\n`,
    obs.dir,
  );
  process.env.PYROS_AGENT_CONFIG = path;
  Sender.closeAll();
  return path;
}

/** The section of each key the tests set by name alone (the devices' speeds, the interlock's period). */
const SECTION_OF: Readonly<Record<string, string>> = {
  image_size: 'camera',
  readout_s: 'camera',
  settle_s: 'telescope',
  slew_rate_deg_s: 'telescope',
  change_s: 'filter_wheel',
  open_s: 'dome',
  close_s: 'dome',
  safety_check_s: 'observation_manager',
};

/** observatory.ini text setting `keys`, each in its section (`image_size` in `[camera]`…). */
export function iniSections(keys: Readonly<Record<string, number | string>>): string {
  const sections = new Map<string, string[]>();
  for (const [key, value] of Object.entries(keys)) {
    const section = SECTION_OF[key];
    if (section === undefined) throw new Error(`iniSections: no section known for ${key}`);
    sections.set(section, [...(sections.get(section) ?? []), `${key} = ${value}`]);
  }
  return [...sections].map(([name, lines]) => `[${name}]\n${lines.join('\n')}\n`).join('\n');
}
