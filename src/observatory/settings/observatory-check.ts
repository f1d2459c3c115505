import { dirname } from 'node:path';
import pino from 'pino';
import type { AgentConfig } from '../../config/agent-config.js';
import { ConfigError } from '../../config/config-error.js';
import { alertSourceUrls, openAlertSource } from '../alerts/sources/source-registry.js';
import { loadSite } from '../astro/site-file.js';
import { resolveDriver } from '../devices/builtin-drivers.js';
import { resolveScenario } from '../devices/weather-scenario.js';
import { loadRoutineRequests } from '../scheduler/routine-requests.js';
import { DEVICE_SECTIONS } from './device-keys.js';
import { loadObservatorySettings, type ObservatorySettings } from './observatory-settings.js';

/** `what`'s failure as a ConfigError at `[section] key` of the settings file (kept as it is if it is one). */
async function at<T>(
  settings: ObservatorySettings,
  section: string,
  key: string,
  what: () => T,
): Promise<Awaited<T>> {
  try {
    return await what();
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const file = settings.file ?? '(defaults)';
    throw new ConfigError({ file, section, key }, (err as Error).message.split('\n')[0] ?? String(err));
  }
}

/** The ports a host's observatory listens on besides the agents': the VTP port and the dashboard's. */
function extraListeners(
  s: ObservatorySettings,
): Array<{ section: string; key: string; host: string; port: number }> {
  const out = [];
  if (s.alert_manager.vtp_port !== 0)
    out.push({
      section: 'alert_manager',
      key: 'vtp_port',
      host: s.alert_manager.vtp_host,
      port: s.alert_manager.vtp_port,
    });
  if (s.dashboard.port !== 0)
    out.push({ section: 'dashboard', key: 'port', host: s.dashboard.host, port: s.dashboard.port });
  return out;
}

/** Opens (and drops) every alert source the settings name: a bad URL or missing credentials are said now. */
function checkSources(settings: ObservatorySettings): void {
  // Opening a source only reads its URL and settings: nothing to log yet.
  const silent = pino({ level: 'silent' });
  for (const url of alertSourceUrls(settings)) {
    const source = openAlertSource(url, {
      log: silent,
      baseDir: settings.file === undefined ? process.cwd() : dirname(settings.file),
      settings: { ...settings.alert_manager, observatory_name: settings.observatory.name },
      localIvorn: 'ivo://pyros-ts/alert_manager',
      env: process.env,
      now: Date.now,
    });
    source.check?.();
  }
}

/**
 * Everything an observatory host reads at start, read once before any agent starts, so that a
 * mistake is one line and exit 1 rather than agents failing one by one while the host runs on:
 * observatory.ini, the site file, the routine requests, the weather scenario, each device's
 * driver URL, and no port of
 * observatory.ini (VTP, dashboard) taken by an agent of the config on the same address.
 *
 * @returns the settings, checked.
 * @throws ConfigError naming the file, section and key.
 */
export async function checkObservatory(config: AgentConfig): Promise<ObservatorySettings | undefined> {
  if (config.observatory === undefined) return undefined;
  const settings = loadObservatorySettings(config.observatory);
  loadSite(settings.paths.siteFile);
  const routine = settings.paths.routineRequests;
  if (routine !== undefined)
    await at(settings, 'observatory', 'routine_requests', () => loadRoutineRequests(routine, Date.now()));
  await at(settings, 'observatory', 'weather', () =>
    resolveScenario(settings.paths.weatherFile ?? settings.observatory.weather, Date.now()),
  );
  await at(settings, 'alert_manager', 'sources', () => checkSources(settings));
  for (const kind of DEVICE_SECTIONS) {
    await at(settings, kind, 'driver', () => resolveDriver(kind, settings[kind].driver));
  }
  const loopback = (h: string) => (h === 'localhost' ? '127.0.0.1' : h.toLowerCase());
  for (const l of extraListeners(settings)) {
    const clash = [...config.agents.values()].find(
      (a) => a.receivePort === l.port && loopback(a.ip) === loopback(l.host),
    );
    if (clash !== undefined) {
      throw new ConfigError(
        { file: settings.file ?? config.observatory, section: l.section, key: l.key },
        `${l.port} on ${l.host} is agent [${clash.name}]'s receive_port in ${config.file}: two listeners cannot share a port`,
      );
    }
  }
  return settings;
}

/**
 * Real hardware runs in real time: a simulated clock faster (or slower) than real time with a
 * device that is not simulated is refused, in one line naming the section and its driver.
 */
export function checkDeviceClock(settings: ObservatorySettings, speed: number): void {
  if (speed === 1) return;
  for (const kind of DEVICE_SECTIONS) {
    const driver = settings[kind].driver;
    if (resolveDriver(kind, driver).family.realTime === true) {
      throw new ConfigError(
        { file: settings.file ?? '(defaults)', section: kind, key: 'driver' },
        `"${driver}" is real hardware, which runs in real time: a simulated clock at ${speed}x cannot drive it (drop --speed, or use --speed 1)`,
      );
    }
  }
}
