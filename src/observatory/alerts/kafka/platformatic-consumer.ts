import {
  type ConsumeOptions,
  Consumer,
  type ConsumerOptions,
  type Message,
  type MessagesStream,
} from '@platformatic/kafka';
import {
  describeError,
  type KafkaConsumer,
  type KafkaConsumerFactory,
  type KafkaConsumerOptions,
  type KafkaRecord,
} from './kafka-client.js';

/** The largest notice expected on GCN Kafka (IGWN alerts carry their sky map inline). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** The library's consumer options, for raw-byte records. */
export type LibraryConsumerOptions = ConsumerOptions<Buffer, Buffer, Buffer, Buffer>;
/** The library's consume (stream) options, for raw-byte records. */
export type LibraryConsumeOptions = ConsumeOptions<Buffer, Buffer, Buffer, Buffer>;

/** Keeps the value as the bytes received: the source decodes them itself, strictly. */
const rawBytes = (data?: Buffer): Buffer | undefined => data;

/**
 * The `@platformatic/kafka` consumer options for our settings: what the official GCN clients set
 * (nasa-gcn/gcn-kafka-python core.py, gcn-kafka-js index.ts) in this library's terms. Pure, so that
 * tests can check them without a broker.
 */
export function platformaticConsumerOptions(options: KafkaConsumerOptions): LibraryConsumerOptions {
  return {
    clientId: options.clientId,
    groupId: options.groupId,
    bootstrapBrokers: [...options.brokers],
    // security.protocol = sasl_ssl: TLS on every connection, the broker's certificate checked
    // against Node's CA store. `tls` is what the library reads (`ssl` is only copied into it).
    tls: { rejectUnauthorized: true },
    // Node sends no SNI unless asked; librdkafka always does, and a load-balanced broker may need it.
    tlsServerName: true,
    // sasl.mechanisms = OAUTHBEARER, sasl.oauthbearer.method = oidc: the provider is asked at each
    // authentication, and again when the library re-authenticates at 80 % of the session lifetime.
    sasl: { mechanism: 'OAUTHBEARER', token: options.token },
    // enable.auto.commit = false: an offset is committed only once its notice is recorded.
    autocommit: false,
    // A 4 MiB message must fit in one fetch, with room for the batch framing.
    maxBytesPerPartition: MAX_MESSAGE_BYTES + 1024 * 1024,
    maxBytes: 4 * (MAX_MESSAGE_BYTES + 1024 * 1024),
    // Messages buffered ahead of the source: a few, since each may be megabytes.
    highWaterMark: 64,
    connectTimeout: 10_000,
    // Few retries inside the library (its default, 3 × 1 s nested, takes 15 s to give up on a dead
    // broker): the source's own reconnection, with backoff and a state the operator sees, takes over.
    retries: 2,
    retryDelay: 250,
    deserializers: { key: rawBytes, value: rawBytes, headerKey: rawBytes, headerValue: rawBytes },
  };
}

/**
 * The stream options: the group's committed offsets, and where it has none the earliest record
 * retained (auto.offset.reset = earliest), so that a new group misses nothing still on the broker.
 */
export function platformaticConsumeOptions(topics: readonly string[]): LibraryConsumeOptions {
  return {
    topics: [...topics],
    mode: 'committed',
    fallbackMode: 'earliest',
    autocommit: false,
  };
}

/** {@link KafkaConsumer} over a `@platformatic/kafka` Consumer and its MessagesStream. */
class PlatformaticConsumer implements KafkaConsumer {
  readonly #consumer: Consumer<Buffer, Buffer, Buffer, Buffer>;
  #stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  /** The library's message of each record handed out: it knows its leader epoch and commits itself. */
  readonly #messages = new WeakMap<KafkaRecord, Message<Buffer, Buffer, Buffer, Buffer>>();

  constructor(private readonly options: KafkaConsumerOptions) {
    this.#consumer = new Consumer(platformaticConsumerOptions(options));
  }

  async subscribe(topics: readonly string[]): Promise<AsyncIterable<KafkaRecord>> {
    try {
      this.#stream = await this.#consumer.consume(platformaticConsumeOptions(topics));
    } catch (error) {
      throw new Error(`Kafka ${this.options.brokers.join(',')}: ${describeError(error)}`, { cause: error });
    }
    return this.#records(this.#stream);
  }

  async *#records(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>): AsyncGenerator<KafkaRecord> {
    try {
      for await (const message of stream) {
        const record: KafkaRecord = {
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
          value: message.value ?? null,
        };
        this.#messages.set(record, message);
        yield record;
      }
    } catch (error) {
      throw new Error(`Kafka ${this.options.brokers.join(',')}: ${describeError(error)}`, { cause: error });
    }
  }

  async commit(record: KafkaRecord): Promise<void> {
    const message = this.#messages.get(record);
    if (message === undefined)
      throw new Error(`${record.topic}[${record.partition}]: not a record of this consumer`);
    // The library commits offset + 1, merging commits per partition so that none goes backwards.
    await message.commit();
  }

  async close(): Promise<void> {
    try {
      await this.#stream?.close();
    } catch {
      // Closing is best effort: the connection may already be gone.
    }
    try {
      // force: leave the group even though a stream was open.
      await this.#consumer.close(true);
    } catch {
      // Same: a broker that cannot be reached cannot be told we leave; it times us out.
    }
  }
}

/** The production consumer factory: `@platformatic/kafka`. */
export const platformaticConsumerFactory: KafkaConsumerFactory = (options) =>
  new PlatformaticConsumer(options);
