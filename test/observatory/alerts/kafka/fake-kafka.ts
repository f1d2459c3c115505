import { EventEmitter } from 'node:events';
import type {
  KafkaConsumer,
  KafkaConsumerFactory,
  KafkaConsumerOptions,
  KafkaRecord,
} from '../../../../src/observatory/alerts/kafka/kafka-client.js';

/** A commit as the fake broker saw it. */
export interface FakeCommit {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  /** The committed offset: the next one the group reads (the record's offset + 1). */
  readonly next: bigint;
}

/**
 * An in-memory Kafka broker behind the {@link KafkaConsumer} seam: topics of partitions of records,
 * committed offsets per group that outlive the consumers, consumers that resume after the last
 * committed record (from the earliest where the group committed none), and the faults a real
 * feed has: connections refused, connections lost, a heartbeat that stops.
 */
export class FakeKafka extends EventEmitter<{ commit: [FakeCommit]; subscribe: [FakeConsumer]; close: [] }> {
  readonly partitions = new Map<string, Array<Array<Uint8Array | null>>>();
  /** Every commit, in the order the broker got them. */
  readonly commits: FakeCommit[] = [];
  /** Every consumer made, with the options it was made with. */
  readonly consumers: FakeConsumer[] = [];
  /** Successful subscriptions so far. */
  subscriptions = 0;
  /** How long a commit takes (a round trip to the broker), ms. */
  commitDelayMs = 0;
  readonly #committed = new Map<string, bigint>();
  #refuse: string[] = [];
  #heartbeat: NodeJS.Timeout | undefined;
  readonly #produced = new EventEmitter();

  constructor() {
    super();
    this.#produced.setMaxListeners(0);
  }

  /** The consumer factory to give the source. */
  readonly factory: KafkaConsumerFactory = (options) => {
    const consumer = new FakeConsumer(this, options);
    this.consumers.push(consumer);
    return consumer;
  };

  createTopic(topic: string, partitions = 1): void {
    if (!this.partitions.has(topic))
      this.partitions.set(
        topic,
        Array.from({ length: partitions }, () => []),
      );
  }

  /** Appends a record; returns its offset. */
  produce(topic: string, value: Uint8Array | string | null, partition = 0): bigint {
    this.createTopic(topic);
    const log = this.partitions.get(topic)?.[partition];
    if (log === undefined) throw new Error(`fake kafka: ${topic} has no partition ${partition}`);
    log.push(typeof value === 'string' ? new TextEncoder().encode(value) : value);
    this.#produced.emit('record');
    return BigInt(log.length - 1);
  }

  /** The group's committed offset (next to read) on a partition, or undefined. */
  committed(groupId: string, topic: string, partition = 0): bigint | undefined {
    return this.#committed.get(`${groupId}\0${topic}\0${partition}`);
  }

  /** Resolves once the group has committed at least `next` on a partition. */
  async committedAtLeast(groupId: string, topic: string, partition: number, next: bigint): Promise<void> {
    while ((this.committed(groupId, topic, partition) ?? -1n) < next) {
      await new Promise((resolve) => this.once('commit', resolve));
    }
  }

  /** The next `count` subscriptions fail, as a broker that cannot be reached. */
  refuseConnections(count: number, reason = 'connect ECONNREFUSED 52.0.0.1:9092'): void {
    this.#refuse.push(...Array.from({ length: count }, () => reason));
  }

  /** Every open consumer loses its connection: its iteration throws. */
  dropConnections(reason = 'read ECONNRESET'): void {
    for (const c of this.consumers) c.lose(reason);
  }

  /** GCN's heartbeat: a record on `gcn.heartbeat` every `everyMs`, as its producer writes it. */
  startHeartbeat(everyMs: number): void {
    this.stopHeartbeat();
    const beat = () =>
      this.produce(
        'gcn.heartbeat',
        JSON.stringify({
          $schema: 'https://gcn.nasa.gov/docs/schema/v4.1.0/gcn/notices/core/Alert.schema.json',
          alert_datetime: new Date().toISOString(),
        }),
      );
    beat();
    this.#heartbeat = setInterval(beat, everyMs);
  }

  stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  /** For FakeConsumer: a refusal, if one is due. */
  nextRefusal(): string | undefined {
    return this.#refuse.shift();
  }

  /** For FakeConsumer: records the commit of a group. */
  commit(groupId: string, topic: string, partition: number, next: bigint): void {
    this.#committed.set(`${groupId}\0${topic}\0${partition}`, next);
    const c = { groupId, topic, partition, next };
    this.commits.push(c);
    this.emit('commit', c);
  }

  /** For FakeConsumer: resolves at the next record produced, or when `signal` fires. */
  nextRecord(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const done = () => {
        this.#produced.off('record', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.#produced.once('record', done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** A consumer of the fake broker: authenticates with the token provider, as the library does. */
export class FakeConsumer implements KafkaConsumer {
  closed = false;
  /** The topics it subscribed to. */
  subscribed: readonly string[] = [];
  #lost: string | undefined;
  readonly #abort = new AbortController();

  constructor(
    private readonly broker: FakeKafka,
    readonly options: KafkaConsumerOptions,
  ) {}

  async subscribe(topics: readonly string[]): Promise<AsyncIterable<KafkaRecord>> {
    const where = this.options.brokers.join(',');
    try {
      await this.options.token();
    } catch (error) {
      throw new Error(`Kafka ${where}: SASL authentication failed`, { cause: error });
    }
    const refusal = this.broker.nextRefusal();
    if (refusal !== undefined) throw new Error(`Kafka ${where}: Connection to ${where} failed: ${refusal}`);
    this.subscribed = [...topics];
    const { groupId } = this.options;
    // Where the group resumes: after its last commit, else the earliest record.
    const positions: Array<{ topic: string; partition: number; next: bigint }> = [];
    for (const topic of topics) {
      this.broker.createTopic(topic);
      const count = this.broker.partitions.get(topic)?.length ?? 0;
      for (let p = 0; p < count; p++) {
        positions.push({ topic, partition: p, next: this.broker.committed(groupId, topic, p) ?? 0n });
      }
    }
    this.broker.subscriptions++;
    this.broker.emit('subscribe', this);
    return this.#records(positions);
  }

  async *#records(
    positions: Array<{ topic: string; partition: number; next: bigint }>,
  ): AsyncGenerator<KafkaRecord> {
    let turn = 0;
    while (!this.closed) {
      if (this.#lost !== undefined) throw new Error(`Kafka: connection lost: ${this.#lost}`);
      // Partitions take turns, one record each, so that they interleave as they do on a broker.
      let found: KafkaRecord | undefined;
      for (let i = 0; i < positions.length && found === undefined; i++) {
        const pos = positions[(turn + i) % positions.length];
        if (pos === undefined) continue;
        const log = this.broker.partitions.get(pos.topic)?.[pos.partition] ?? [];
        if (pos.next < BigInt(log.length)) {
          const value = log[Number(pos.next)] ?? null;
          found = { topic: pos.topic, partition: pos.partition, offset: pos.next, value };
          pos.next++;
        }
      }
      turn++;
      if (found !== undefined) yield found;
      else await this.broker.nextRecord(this.#abort.signal);
    }
  }

  async commit(record: KafkaRecord): Promise<void> {
    const delay = this.broker.commitDelayMs;
    await (delay > 0 ? new Promise((r) => setTimeout(r, delay)) : Promise.resolve());
    if (this.closed) throw new Error('commit failed: the consumer is closed');
    if (this.#lost !== undefined) throw new Error(`commit failed: ${this.#lost}`);
    this.broker.commit(this.options.groupId, record.topic, record.partition, BigInt(record.offset) + 1n);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.#abort.abort();
    this.broker.emit('close');
  }

  /** The connection drops: the iteration throws. */
  lose(reason: string): void {
    if (this.closed) return;
    this.#lost = reason;
    this.#abort.abort();
  }
}
