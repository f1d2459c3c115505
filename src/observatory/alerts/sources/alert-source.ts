import type { Logger } from '../../../logging/logger.js';

/** A notice as a source hands it over, before it is parsed. */
export interface ReceivedNotice {
  /** The notice's text: a source refuses bytes that are not valid UTF-8 itself, and never hands them over. */
  readonly text: string;
  /** Where it came from, for the record: `vtp-receiver 127.0.0.1:51234`, `gcn-kafka igwn.gwalert[0]@12`, `dir incoming/x.json`. */
  readonly source: string;
  /** The Kafka topic it came on: it names the mission of a JSON notice that does not. */
  readonly topic?: string;
  /** The file it came from (directory source, `pyros alert`), absolute. */
  readonly file?: string;
}

/**
 * Where a source hands each notice: resolves once the alert manager has recorded it (whatever it
 * decided, a repeat included), and only then may the source acknowledge it upstream (VTP ack,
 * Kafka offset commit, file moved away). Rejects with a {@link NoticeRefusedError} when the notice
 * can never be used (not a notice: acknowledge it anyway, or it comes back forever), with any
 * other error when recording failed (do not acknowledge: deliver it again later).
 */
export type NoticeSink = (notice: ReceivedNotice) => Promise<void>;

/** A notice that can never be recorded (not UTF-8, not a notice): logged, acknowledged, not retried. */
export class NoticeRefusedError extends Error {
  override readonly name = 'NoticeRefusedError';
}

/** What a source is doing, for the log, `Sources` and the dashboard. */
export interface SourceStatus {
  /** The source's URL, any secret in it hidden. */
  readonly url: string;
  readonly state: 'starting' | 'connecting' | 'connected' | 'listening' | 'watching' | 'waiting' | 'stopped';
  /** One line: what it is doing or what went wrong. */
  readonly detail: string;
  /** When it entered this state (ms). */
  readonly since: number;
  /** When it last handed over a notice. */
  readonly lastNoticeAt?: number;
  /** A feed with a heartbeat (GCN Kafka): when it last beat. */
  readonly lastHeartbeatAt?: number;
  /** Something the operator should see (no heartbeat for too long…), else undefined. */
  readonly warning?: string;
}

/** An alert source: started with a sink, it hands over every notice it receives until stopped. */
export interface AlertSource {
  /** The URL it was opened with, secrets hidden. */
  readonly url: string;
  /**
   * What can be checked before anything starts (credentials a feed needs), throwing one line;
   * `pyros start` calls it for every source, so that a host with a bad source does not start.
   */
  check?(): void;
  /** Starts receiving (listening, connecting, watching); resolves once started, not once connected. */
  start(sink: NoticeSink): Promise<void>;
  /** Stops and releases everything; nothing is handed over after it resolves. */
  stop(): Promise<void>;
  status(): SourceStatus;
}

/** What a source is opened with. */
export interface SourceContext {
  readonly log: Logger;
  /** Folder that relative paths (`dir:incoming`) are relative to: the settings file's. */
  readonly baseDir: string;
  /** The alert manager's settings section, for sources configured there (GCN Kafka). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The local IVORN in VTP answers. */
  readonly localIvorn: string;
  /** Environment, for secrets (GCN client id and secret). */
  readonly env: NodeJS.ProcessEnv;
  /** ms clock for statuses and watchdogs (the real one: feeds live in real time). */
  readonly now: () => number;
}

/** Opens one kind of source from its URL (the registry calls it for its scheme). */
export type AlertSourceFactory = (url: URL, raw: string, ctx: SourceContext) => AlertSource;

/** Strict UTF-8: a notice's bytes must decode without a single replacement. */
export function decodeNotice(bytes: Uint8Array, where: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new NoticeRefusedError(`${where}: not valid UTF-8`);
  }
}
