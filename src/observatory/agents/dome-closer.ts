import { Sender } from '../../sender/sender.js';
import { AGENTS } from '../contracts/agents.js';
import { Msg } from '../messages.js';

/**
 * The majordome's side of closing: sends `Close dome` (park included) once per closing, and knows
 * whether the dome is closed by it. The request runs beside the mailbox (a close takes a minute at
 * the real pace; Pause, Resume and the rest must not wait behind it). A block started meanwhile
 * voids the close in flight; a close that fails calls `failed`, for the majordome to try again.
 */
export class DomeCloser {
  /** Whether the dome is known closed and parked by the last close. */
  #closed = false;
  /** The generation of the close on its way, if any; a block's start begins a new generation. */
  #closing: number | undefined;
  #generation = 0;

  constructor(
    private readonly timeoutMs: () => number,
    private readonly failed: (reason: string, err: Error) => void,
  ) {}

  /** A block starts: the dome opens, and a close on its way no longer counts. */
  opening(): void {
    this.#closed = false;
    this.#generation++;
  }

  /** Closes and parks, unless closed already, or a close of this generation is on its way. */
  close(reason: string): void {
    if (this.#closed || this.#closing === this.#generation) return;
    const generation = this.#generation;
    this.#closing = generation;
    const done = (): void => {
      if (this.#closing === generation) this.#closing = undefined;
    };
    Sender.request(
      AGENTS.observationManager,
      Msg.CLOSE_DOME,
      { reason, park: true },
      { timeout: this.timeoutMs() },
    ).then(
      () => {
        done();
        if (generation === this.#generation) this.#closed = true;
      },
      (err: Error) => {
        done();
        this.failed(reason, err);
      },
    );
  }
}
