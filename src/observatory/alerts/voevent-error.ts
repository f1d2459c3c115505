/** A document that is not a usable VOEvent; the message says what is wrong and where, in one line. */
export class VoEventError extends Error {
  override readonly name = 'VoEventError';
}
