import { Backoff, type BackoffPolicy, DEFAULT_BACKOFF } from '../../../transport/vtp/backoff.js';
import { ConsumerSession as Session } from '../kafka/consumer-session.js';
import { type GcnCredentials, loadGcnCredentials } from '../kafka/gcn-credentials.js';
import {
  defaultGcnGroupId,
  GCN_HEARTBEAT_TOPIC,
  type GcnKafkaConfig,
  gcnKafkaConfig,
  slug,
} from '../kafka/gcn-kafka-config.js';
import { createGcnTokenProvider, gcnTokenUrl } from '../kafka/gcn-token.js';
import {
  describeError,
  type KafkaConsumer,
  type KafkaConsumerFactory,
  type KafkaRecord,
} from '../kafka/kafka-client.js';
import { platformaticConsumerFactory } from '../kafka/platformatic-consumer.js';
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

/** Options of {@link GcnKafkaSource} beyond its URL and context (tests, and what the context lacks). */
export interface GcnKafkaSourceOptions {
  /** The Kafka client. Default: `@platformatic/kafka`. */
  readonly consumerFactory?: KafkaConsumerFactory;
  /** `[observatory] name`, for the default group id and the Kafka client id (else `observatory_name` of the settings). */
  readonly observatoryName?: string;
  /** Reconnections, and deliveries again of a notice that failed to be recorded. Default 1 s doubling to 60 s. */
  readonly backoff?: Partial<BackoffPolicy>;
  /** The OIDC token endpoint. Default `https://auth.DOMAIN/oauth2/token`. */
  readonly tokenUrl?: string;
  /** Tests only: a `http://127.0.0.1:PORT/…` token endpoint is allowed. */
  readonly allowLoopbackHttp?: boolean;
  /** The token provider instead of the OIDC one (tests with a fake broker). */
  readonly tokenProvider?: (credentials: GcnCredentials) => () => Promise<string>;
  /** Records read ahead of those being recorded, at most. Default 256. */
  readonly maxPending?: number;
}

/**
 * `gcn-kafka:`: NASA GCN's Kafka feed, read as one fixed consumer group. Each notice is handed to
 * the sink and its offset committed only once the sink has resolved (at least once: a notice may
 * come twice, never be lost); records of a partition are handed over one at a time, in order.
 * `gcn.heartbeat` is its watchdog: silent for `gcn_heartbeat_timeout_s`, a warning, and the
 * consumer is made again. Connection failures reconnect with exponential backoff.
 */
export class GcnKafkaSource implements AlertSource {
  readonly #status: StatusKeeper;
  readonly #policy: BackoffPolicy;
  readonly #backoff: Backoff;
  readonly #log: SourceContext['log'];
  #lastHeartbeatAt: number | undefined;
  #warning: string | undefined;
  #outageSince = 0;
  #stopped = false;
  #loop: Promise<void> | undefined;
  #session: Session | undefined;
  /** Ends the wait before a reconnection. */
  #wake: () => void = () => {};
  /** Per partition, the last record's handling: the next one waits for it. */
  readonly #chains = new Map<string, Promise<void>>();
  #pending = 0;
  #drained: Array<() => void> = [];

  constructor(
    readonly url: string,
    readonly config: GcnKafkaConfig,
    private readonly ctx: SourceContext,
    private readonly options: GcnKafkaSourceOptions = {},
  ) {
    this.#status = new StatusKeeper(url, ctx.now);
    this.#policy = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#backoff = new Backoff(this.#policy);
    this.#log = ctx.log;
  }

  status(): SourceStatus {
    return { ...this.#status.current, lastHeartbeatAt: this.#lastHeartbeatAt, warning: this.#warning };
  }

  /** Throws one line when the credentials are missing or unreadable (`pyros start` asks before starting). */
  check(): void {
    const { ctx, config } = this;
    loadGcnCredentials({ env: ctx.env, file: config.credentialsFile, baseDir: ctx.baseDir, log: ctx.log });
  }

  /** Reads the credentials (rejects with one line when they are missing) and starts connecting. */
  async start(sink: NoticeSink): Promise<void> {
    if (this.#loop !== undefined) return;
    const { ctx, config, options } = this;
    let credentials: GcnCredentials;
    try {
      credentials = loadGcnCredentials({
        env: ctx.env,
        file: config.credentialsFile,
        baseDir: ctx.baseDir,
        log: ctx.log,
      });
    } catch (error) {
      this.#status.set('stopped', (error as Error).message);
      throw error;
    }
    const token =
      options.tokenProvider?.(credentials) ??
      createGcnTokenProvider({
        credentials,
        tokenUrl: options.tokenUrl ?? gcnTokenUrl(config.domain),
        allowLoopbackHttp: options.allowLoopbackHttp,
      });
    const name = options.observatoryName ?? config.observatoryName ?? 'pyros-ts observatory';
    const groupId = config.groupId ?? defaultGcnGroupId(name, credentials.clientId);
    const clientId = `pyros-ts-${slug(name)}`;
    const make = options.consumerFactory ?? platformaticConsumerFactory;
    this.#loop = this.#run(sink, () => make({ clientId, groupId, brokers: config.brokers, token }), groupId);
  }

  /** Closes the consumer; nothing is handed over once it resolves (a sink call under way is not awaited). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake();
    this.#session?.end('stopped');
    await this.#loop;
    this.#status.set('stopped', 'stopped');
  }

  #setState(state: SourceStatus['state'], detail: string, warn = false): void {
    this.#status.set(state, detail);
    this.#log[warn ? 'warn' : 'info'](`GCN Kafka ${this.url}: ${detail}`);
  }

  async #run(sink: NoticeSink, make: () => KafkaConsumer, groupId: string): Promise<void> {
    while (!this.#stopped) {
      const session = new Session(make());
      this.#session = session;
      await this.#read(session, sink, groupId);
      this.#session = undefined;
      if (this.#stopped) break;
      const retryInMs = this.#backoff.next();
      this.#setState('waiting', `${session.reason}; reconnecting in ${retryInMs} ms`, !session.quiet);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, retryInMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** One consumer: subscribes, hands its records over until the session ends, closes it. */
  async #read(session: Session, sink: NoticeSink, groupId: string): Promise<void> {
    const { brokers, topics } = this.config;
    this.#setState('connecting', `connecting to ${brokers.join(',')} as group ${groupId}`);
    let healthy: NodeJS.Timeout | undefined;
    try {
      const records = await session.race(session.consumer.subscribe(topics));
      if (records === undefined) return;
      this.#setState(
        'connected',
        `reading ${topics.length} topics from ${brokers.join(',')} as group ${groupId}`,
      );
      // Up a while and beating: the next failure waits the shortest again. Up without a beat is no
      // proof (the watchdog would reconnect at the same pace forever).
      healthy = setTimeout(() => {
        if (session.beats > 0) this.#backoff.reset();
      }, this.#policy.resetAfterMs);
      session.watchdog = setTimeout(() => this.#heartbeatMissed(session), this.config.heartbeatTimeoutMs);
      const it = records[Symbol.asyncIterator]();
      while (session.active) {
        const next = await session.race(it.next());
        if (next === undefined) break;
        if (next.done === true) session.end('the broker ended the stream');
        else await this.#accept(session, next.value, sink);
      }
    } catch (error) {
      session.end(describeError(error));
    } finally {
      clearTimeout(healthy);
      clearTimeout(session.watchdog);
      session.end('closed');
      await session.consumer.close().catch(() => {});
    }
  }

  #heartbeatMissed(session: Session): void {
    const seconds = this.config.heartbeatTimeoutMs / 1000;
    if (this.#warning === undefined) {
      const last =
        this.#lastHeartbeatAt === undefined ? 'none yet' : new Date(this.#lastHeartbeatAt).toISOString();
      this.#warning = `no ${GCN_HEARTBEAT_TOPIC} for ${seconds} s (last: ${last}): GCN notices may not be arriving`;
      this.#outageSince = this.ctx.now();
      this.#log.warn(`GCN Kafka ${this.url}: ${this.#warning}; reconnecting until it beats again`);
    }
    session.end(`no ${GCN_HEARTBEAT_TOPIC} for ${seconds} s`, true);
  }

  /** A heartbeat updates the watchdog and is committed at once; a notice waits its partition's turn. */
  async #accept(session: Session, record: KafkaRecord, sink: NoticeSink): Promise<void> {
    if (record.topic === GCN_HEARTBEAT_TOPIC) {
      this.#lastHeartbeatAt = this.ctx.now();
      session.beats++;
      session.watchdog?.refresh();
      if (this.#warning !== undefined) {
        const s = Math.round((this.#lastHeartbeatAt - this.#outageSince) / 1000);
        this.#log.info(`GCN Kafka ${this.url}: ${GCN_HEARTBEAT_TOPIC} beats again (warned ${s} s ago)`);
        this.#warning = undefined;
      }
      // Not awaited: a backlog of heartbeats (one a second, kept for days) must not cost a round
      // trip each. The library merges commits per partition, never backwards.
      session.consumer.commit(record).catch((error: unknown) => {
        this.#log.debug(`GCN Kafka ${this.url}: heartbeat commit failed: ${describeError(error)}`);
      });
      return;
    }
    while (this.#pending >= (this.options.maxPending ?? 256) && session.active) {
      await session.race(new Promise<void>((r) => this.#drained.push(r)));
    }
    const key = `${record.topic}:${record.partition}`;
    this.#pending++;
    const turn = (this.#chains.get(key) ?? Promise.resolve())
      .then(() => this.#deliver(session, record, sink))
      .catch((error: unknown) => this.#log.error(`GCN Kafka ${this.url}: ${describeError(error)}`))
      .finally(() => {
        this.#pending--;
        for (const wake of this.#drained.splice(0)) wake();
        if (this.#chains.get(key) === turn) this.#chains.delete(key);
      });
    this.#chains.set(key, turn);
  }

  /** Hands one notice over until it is recorded or refused, then commits it. */
  async #deliver(session: Session, record: KafkaRecord, sink: NoticeSink): Promise<void> {
    const where = `gcn-kafka ${record.topic}[${record.partition}]@${record.offset}`;
    let text: string | undefined;
    if (record.value === null) this.#log.warn(`${where}: a record without a value; committed and skipped`);
    else {
      try {
        text = decodeNotice(record.value, where);
      } catch (error) {
        this.#log.warn(`${(error as Error).message}; committed and skipped`);
      }
    }
    const retry = new Backoff(this.#policy);
    while (text !== undefined) {
      // A session that ended leaves its records to the next consumer, which gets them again.
      if (!session.active) return;
      try {
        await sink({ text, source: where, topic: record.topic });
        this.#status.noticed();
        break;
      } catch (error) {
        if (error instanceof NoticeRefusedError) {
          this.#log.warn(`${where}: refused: ${error.message}; committed, not delivered again`);
          break;
        }
        const ms = retry.next();
        this.#log.warn(`${where}: not recorded (${describeError(error)}); delivering it again in ${ms} ms`);
        await session.sleep(ms);
      }
    }
    if (!session.active) return;
    try {
      await session.consumer.commit(record);
    } catch (error) {
      session.end(`commit of ${where} failed: ${describeError(error)}`);
    }
  }
}

/** A factory with options the registry's context does not carry (the observatory's name, a fake broker). */
export function createGcnKafkaSourceFactory(options: GcnKafkaSourceOptions = {}): AlertSourceFactory {
  return (url, raw, ctx) => new GcnKafkaSource(raw, gcnKafkaConfig(url, raw, ctx.settings), ctx, options);
}

/** `gcn-kafka:` and `gcn-kafka://DOMAIN` with the defaults (`@platformatic/kafka`, OIDC tokens). */
export const gcnKafkaSourceFactory: AlertSourceFactory = createGcnKafkaSourceFactory();
