import type { z } from 'zod';
import type { AlertOutcomeSchema } from '../contracts/alert-messages.js';

/** What the alert manager did with a notice. */
export type AlertOutcome = z.output<typeof AlertOutcomeSchema>;

/** One received notice, as recorded (the same ivorn is recorded once). */
export interface AlertRecord {
  readonly ivorn: string;
  readonly receivedAt: number;
  /** Where it came from: `vtp-subscriber host:port`, `vtp-receiver`, `cli`. */
  readonly source: string;
  readonly role: string;
  readonly mission?: string;
  readonly packetType?: number;
  readonly packetName?: string;
  readonly triggerId?: string;
  readonly eventTime?: number;
  readonly raDeg?: number;
  readonly decDeg?: number;
  readonly errorDeg?: number;
  readonly outcome: AlertOutcome;
  /** Why, in one line (e.g. "role=test: not observed (observe_test = no)"). */
  readonly reason: string;
  /** The request it created or updated. */
  readonly requestId?: string;
  readonly drill: boolean;
  readonly xml: string;
}
