/**
 * The one seam between the GCN Kafka source and a Kafka client library: a consumer that reads a
 * few topics as one consumer group and commits what has been recorded. The source is written
 * against this interface only, so tests put an in-memory broker behind it
 * (test/observatory/alerts/kafka/fake-kafka.ts) and production puts `@platformatic/kafka` behind
 * it (platformatic-consumer.ts). Keep it small: whatever is added here must be faked too.
 */

/** One Kafka record as the source sees it. */
export interface KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  /** Its offset in the partition (a bigint from the library, a string where one was serialised). */
  readonly offset: bigint | string;
  /** Its value, raw bytes exactly as produced; null for a record without one (a tombstone). */
  readonly value: Uint8Array | null;
}

/** What a consumer is made with: where to connect, as which group, and how to authenticate. */
export interface KafkaConsumerOptions {
  /** The Kafka `client.id`, which names us in the broker's logs and quotas (no white space). */
  readonly clientId: string;
  /** The consumer group: its committed offsets are where a new consumer of the group resumes. */
  readonly groupId: string;
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  /**
   * The SASL/OAUTHBEARER access token, asked for at each authentication and re-authentication of
   * each connection; it rejects when no token can be had (the connection attempt fails).
   */
  readonly token: () => Promise<string>;
}

/**
 * A consumer of one group. Records come one at a time, in offset order within each partition
 * (partitions interleave in any order). A committed offset survives the consumer: the next consumer
 * of the same group resumes right after the last record committed on each partition, and from the
 * earliest record retained where the group has committed nothing.
 */
export interface KafkaConsumer {
  /**
   * Joins the group, subscribed to `topics`: resolves once subscribed with the records, rejects
   * when it cannot connect or authenticate. The iteration throws when the connection is lost for
   * good and ends once the consumer is closed.
   */
  subscribe(topics: readonly string[]): Promise<AsyncIterable<KafkaRecord>>;
  /**
   * Marks `record` and every record before it on its partition as done, so that the group never
   * receives them again (Kafka commits the offset after it). Rejects when the commit fails.
   */
  commit(record: KafkaRecord): Promise<void>;
  /** Leaves the group and closes the connections; the iteration ends. Never rejects. */
  close(): Promise<void>;
}

/** Makes a consumer (not yet connected: {@link KafkaConsumer.subscribe} connects). */
export type KafkaConsumerFactory = (options: KafkaConsumerOptions) => KafkaConsumer;

/**
 * One line from an error and the errors it wraps (`cause`, an AggregateError's `errors`): the
 * outermost message and the innermost two, so that "joinGroup failed 3 times" keeps its reason
 * ("connect ECONNREFUSED …", "GCN token request … HTTP 401").
 */
export function describeError(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 12 && current !== undefined && current !== null; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    const line = (message.split('\n')[0] ?? '').trim();
    if (line !== '' && !messages.includes(line)) messages.push(line);
    const inner: unknown = (current as { errors?: unknown }).errors;
    current = Array.isArray(inner) && inner.length > 0 ? inner[0] : (current as { cause?: unknown }).cause;
  }
  if (messages.length === 0) return 'unknown error';
  const kept = messages.length <= 3 ? messages : [messages[0] as string, ...messages.slice(-2)];
  return kept.join(': ');
}
