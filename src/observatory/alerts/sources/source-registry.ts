import type { ObservatorySettings } from '../../settings/observatory-settings.js';
import type { AlertSource, AlertSourceFactory, SourceContext } from './alert-source.js';
import { dirSource } from './dir-source.js';
import { gcnKafkaSourceFactory } from './gcn-kafka-source.js';
import { vtpReceiverSource, vtpSubscriberSource } from './vtp-sources.js';

/** The alert sources by URL scheme (docs/alerts.md). */
const FACTORIES = new Map<string, AlertSourceFactory>([
  ['vtp:', vtpSubscriberSource],
  ['vtp-listen:', vtpReceiverSource],
  ['dir:', dirSource],
  ['gcn-kafka:', gcnKafkaSourceFactory],
]);

/** Adds a kind of source (a scheme such as `gcn-kafka:`, with its colon). */
export function registerAlertSource(scheme: string, factory: AlertSourceFactory): void {
  FACTORIES.set(scheme, factory);
}

/** The schemes known, for messages. */
export function alertSourceSchemes(): string[] {
  return [...FACTORIES.keys()];
}

/**
 * Opens the source a URL names, or throws one line naming the URL and the schemes known:
 * `gcn-kafka:` (or `gcn-kafka://test.gcn.nasa.gov`), `vtp://HOST:PORT` (a broker we subscribe to),
 * `vtp-listen://HOST:PORT` (our own VTP port), `dir:PATH` (a watched folder).
 */
export function openAlertSource(raw: string, ctx: SourceContext): AlertSource {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`alert source "${raw}" is not a URL (known: ${alertSourceSchemes().join(' ')})`);
  }
  const factory = FACTORIES.get(url.protocol);
  if (factory === undefined) {
    throw new Error(
      `alert source "${raw}": unknown scheme "${url.protocol}" (known: ${alertSourceSchemes().join(' ')})`,
    );
  }
  return factory(url, raw, ctx);
}

/**
 * The sources of `[alert_manager]`: `sources`, and the older keys, which mean the same:
 * `vtp_port` (with `vtp_host`) is `vtp-listen://vtp_host:vtp_port`, `vtp_subscribe` is `vtp://…`.
 */
export function alertSourceUrls(settings: ObservatorySettings): string[] {
  const s = settings.alert_manager;
  const urls = [...s.sources];
  const host = s.vtp_host.includes(':') ? `[${s.vtp_host}]` : s.vtp_host;
  if (s.vtp_port > 0) urls.push(`vtp-listen://${host}:${s.vtp_port}`);
  const sub = s.vtp_subscribe;
  if (sub !== undefined)
    urls.push(`vtp://${sub.host.includes(':') ? `[${sub.host}]` : sub.host}:${sub.port}`);
  return [...new Set(urls)];
}
