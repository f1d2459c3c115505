import type { z } from 'zod';
import type { AlertOutcomeSchema } from '../contracts/alert-messages.js';

/** What the alert manager did with a notice. */
export type AlertOutcome = z.output<typeof AlertOutcomeSchema>;

/** One received notice, as recorded (the same id is recorded once). */
export interface AlertRecord {
  /** The notice's id: a VOEvent's IVORN, or the id built for a JSON notice (its `ivorn` column). */
  readonly ivorn: string;
  readonly receivedAt: number;
  /** Where it came from: `vtp-subscriber host:port`, `vtp-receiver`, `gcn-kafka TOPIC[P]@OFFSET`, `dir FILE`, `cli`. */
  readonly source: string;
  /** `voevent`, `gcn-json` or `igwn-json`. */
  readonly format: string;
  readonly role: string;
  readonly mission?: string;
  readonly instrument?: string;
  /** GCN's packet name, or the JSON notice's kind. */
  readonly packetName?: string;
  readonly packetType?: number;
  readonly triggerId?: string;
  /** The event it belongs to (notices of one event share it): what groups, updates and retracts. */
  readonly eventKey?: string;
  readonly eventTime?: number;
  readonly raDeg?: number;
  readonly decDeg?: number;
  readonly errorDeg?: number;
  /** The most likely class the notice gives (GRB, SOLAR_FLARE, BNS…). */
  readonly classification?: string;
  /** A sky map's 90 % area, square degrees. */
  readonly area90Deg2?: number;
  readonly outcome: AlertOutcome;
  /** Why, in one line (e.g. "role=test: not observed (observe_test = no)"). */
  readonly reason: string;
  /** The request it created or updated. */
  readonly requestId?: string;
  readonly drill: boolean;
  /** The notice as received (XML or JSON text). */
  readonly raw: string;
}
