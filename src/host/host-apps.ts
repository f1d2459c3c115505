import type { HostAppReport } from './thread-messages.js';

let apps: readonly HostAppReport[] = [];

/** Called in an app thread with each app-state report of its host. */
export function setHostApps(report: readonly HostAppReport[]): void {
  apps = report;
}

/**
 * The apps of the host this thread runs in, as its supervisor last reported them (empty outside a
 * host). Only this host's: the apps of other computers are known by whether they answer.
 */
export function hostApps(): readonly HostAppReport[] {
  return apps;
}
