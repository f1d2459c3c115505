import { NoticeError } from './notice.js';

/** A document that is not a usable VOEvent; the message says what is wrong and where, in one line. */
export class VoEventError extends NoticeError {
  override readonly name = 'VoEventError';
}
