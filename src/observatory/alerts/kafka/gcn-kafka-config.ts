// `gcn-kafka:` URLs and the `[alert_manager]` keys of the GCN Kafka source, read and checked.
import { DEFAULT_GCN_TOPICS } from '../../settings/alert-keys.js';

/** GCN's heartbeat topic: a record a second, read besides the notices as the feed's watchdog. */
export const GCN_HEARTBEAT_TOPIC = 'gcn.heartbeat';
/** The production domain; `gcn-kafka://test.gcn.nasa.gov` selects the test one. */
export const DEFAULT_GCN_DOMAIN = 'gcn.nasa.gov';

/** What a GCN Kafka source reads, from its URL and `[alert_manager]`. */
export interface GcnKafkaConfig {
  readonly domain: string;
  /** `kafka.DOMAIN:9092`. */
  readonly brokers: readonly string[];
  /** `gcn_topics` and {@link GCN_HEARTBEAT_TOPIC}. */
  readonly topics: readonly string[];
  /** `gcn_group_id`, or undefined for the default ({@link defaultGcnGroupId}). */
  readonly groupId: string | undefined;
  readonly credentialsFile: string | undefined;
  readonly heartbeatTimeoutMs: number;
  /** `[observatory] name`, when the context passes it (`observatory_name`), for the default group id. */
  readonly observatoryName: string | undefined;
}

function words(value: unknown, key: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? value.split(/[\s,]+/) : Array.isArray(value) ? value : [value];
  return list.map((w) => {
    if (typeof w !== 'string') throw new Error(`[alert_manager] ${key}: expected names`);
    return w.trim();
  });
}

/** The config of `gcn-kafka:` / `gcn-kafka://DOMAIN`; throws one line naming the URL or key at fault. */
export function gcnKafkaConfig(
  url: URL,
  raw: string,
  settings: Readonly<Record<string, unknown>>,
): GcnKafkaConfig {
  const bare = url.username === '' && url.port === '' && url.search === '' && url.hash === '';
  const domain = url.hostname === '' && url.pathname === '' ? DEFAULT_GCN_DOMAIN : url.hostname;
  if (!bare || !/^\/?$/.test(url.pathname) || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(domain)) {
    throw new Error(
      `alert source "${raw}": expected gcn-kafka: or gcn-kafka://DOMAIN (e.g. test.gcn.nasa.gov)`,
    );
  }
  const topics = (words(settings.gcn_topics, 'gcn_topics') ?? DEFAULT_GCN_TOPICS).filter((t) => t !== '');
  const groupId = typeof settings.gcn_group_id === 'string' ? settings.gcn_group_id.trim() : undefined;
  if (groupId !== undefined && !/^\S+$/.test(groupId))
    throw new Error('[alert_manager] gcn_group_id: no spaces');
  const timeoutS = Number(settings.gcn_heartbeat_timeout_s ?? 60);
  if (!(timeoutS > 0)) throw new Error('[alert_manager] gcn_heartbeat_timeout_s: expected seconds > 0');
  const file = settings.gcn_credentials;
  const name = settings.observatory_name;
  return {
    domain,
    brokers: [`kafka.${domain}:9092`],
    topics: [...new Set([...topics, GCN_HEARTBEAT_TOPIC])],
    groupId,
    credentialsFile: typeof file === 'string' && file.trim() !== '' ? file.trim() : undefined,
    heartbeatTimeoutMs: timeoutS * 1000,
    observatoryName: typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined,
  };
}

/**
 * The group id when `gcn_group_id` is not set: fixed, so that a restart resumes where it stopped,
 * and unique to this observatory and GCN client, so that two observatories keeping the default
 * name never share a group (Kafka would split the partitions between them).
 */
export function defaultGcnGroupId(observatoryName: string, clientId: string): string {
  return `pyros-${slug(observatoryName)}-${clientId}`;
}

/** A name as Kafka ids take it: lower case, no white space. */
export function slug(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s === '' ? 'observatory' : s;
}
