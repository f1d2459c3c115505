/** A document that is not a usable VOEvent; the message says what is wrong and where, in one line. */
export class VoEventError extends Error {
  override readonly name = 'VoEventError';
  /** Bad input from the sender, not a fault of ours: a handler that throws it is logged in one line, without a stack. */
  readonly badInput = true;
}
