import { parseGcnJsonNotice } from './gcn-json-notice.js';
import { parseIgwnAlert } from './igwn-notice.js';
import { type Notice, NoticeError } from './notice.js';
import { voEventNotice } from './voevent-notice.js';

/** The largest notice read (bytes of UTF-8): GCN's Kafka messages are at most 4 MiB. */
export const MAX_NOTICE_BYTES = 4 * 1024 * 1024;

/** What the source knows besides the text. */
export interface NoticeHints {
  /** The Kafka topic it came on (names the mission of JSON notices that do not). */
  readonly topic?: string;
}

/**
 * Any notice as a {@link Notice}: XML is a VOEvent, JSON an IGWN alert (it has a
 * `superevent_id`) or a GCN unified-schema notice. Throws a NoticeError (one line) otherwise.
 */
export function parseNotice(text: string, hints: NoticeHints = {}): Notice {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_NOTICE_BYTES) {
    throw new NoticeError(`notice of ${bytes} bytes, over the ${MAX_NOTICE_BYTES}-byte limit`);
  }
  // A byte order mark is no part of the notice: read past it (the notice is kept as received).
  const body = text.replace(/^\uFEFF/, '');
  const start = body.trimStart()[0];
  if (start === '<') return voEventNotice(text, MAX_NOTICE_BYTES);
  if (start === '{') {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (err) {
      throw new NoticeError(`not JSON: ${(err as Error).message.split('\n')[0]}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new NoticeError('a JSON notice is an object');
    }
    const fields = value as Record<string, unknown>;
    // IGWN's alerts are not in GCN's unified schema: a superevent id is what they have and it lacks.
    if ('superevent_id' in fields) return parseIgwnAlert(text, fields);
    return parseGcnJsonNotice(text, fields, hints.topic);
  }
  throw new NoticeError(
    `not a notice: it starts with ${start === undefined ? 'nothing' : JSON.stringify(start)}, neither XML (a VOEvent) nor JSON`,
  );
}
