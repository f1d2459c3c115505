/**
 * One alert notice, whatever brought it and whatever its format: what every source turns its bytes
 * into and the only thing the alert manager's decisions read. A VOEvent from GCN Classic or SVOM,
 * a GCN unified-schema JSON notice (Einstein Probe, SVOM, Fermi…) and an IGWN gravitational-wave
 * alert all become this record; the mission-specific reading is in the parsers.
 */

/** A notice that cannot be used (not a notice, malformed): one line saying what is wrong and where. */
export class NoticeError extends Error {
  override readonly name: string = 'NoticeError';
  /** Bad input from the sender, not a fault of ours: a handler that throws it is logged in one line, without a stack. */
  readonly badInput = true;
}

/** The formats a notice comes in. */
export type NoticeFormat = 'voevent' | 'gcn-json' | 'igwn-json';

/** What the notice is (VOEvent 2.0 roles; JSON notices map `alert_tense` / MDC superevents to `test`). */
export type NoticeRole = 'observation' | 'test' | 'utility' | 'prediction';

/** How a cited notice relates to the citing one. */
export type CitationKind = 'followup' | 'supersedes' | 'retraction';

/** A reference to an earlier notice, by its id (a VOEvent IVORN). */
export interface NoticeCitation {
  readonly id: string;
  readonly kind: CitationKind;
}

/** An error circle on the sky: equatorial J2000 (ICRS/FK5), degrees. */
export interface NoticePosition {
  readonly raDeg: number;
  readonly decDeg: number;
  /** Radius of the error circle, degrees, as the notice gives it. */
  readonly errorDeg: number;
  /** The probability the circle holds (0.68, 0.9…) when the notice says; statistical otherwise. */
  readonly containment?: number;
}

/** What a probability sky map says, in the numbers a decision needs (tiling it is not done here). */
export interface SkyMapSummary {
  /** Area of the smallest region holding 90 % of the probability, square degrees. */
  readonly area90Deg2: number;
  /** The same for 50 %. */
  readonly area50Deg2: number;
  /** The centre of the most probable pixel. */
  readonly peakRaDeg: number;
  readonly peakDecDeg: number;
  /** Pixels in the map (multi-order maps: of every order). */
  readonly pixels: number;
}

/**
 * What the notice says its source is, in a mission-independent vocabulary: `class` is the most
 * likely one (`GRB`, `TGF`, `SOLAR_FLARE`, `PARTICLES`, `BELOW_HORIZON`, `UNRELIABLE_LOCATION`,
 * `SGR`, `TRANSIENT`, `KNOWN_SOURCE`, `BNS`, `NSBH`, `BBH`, `TERRESTRIAL`…), with its probability
 * (0..1) when given. `raw` is the notice's own words, for the record.
 */
export interface NoticeClassification {
  readonly class: string;
  readonly probability?: number;
  readonly raw: string;
}

export interface Notice {
  /** Unique id: the VOEvent IVORN; for JSON notices, one built from the mission, event and content. */
  readonly id: string;
  readonly format: NoticeFormat;
  readonly role: NoticeRole;
  /** The mission (Swift, Fermi, SVOM, EP, LVK…), when known. */
  readonly mission?: string;
  /** The instrument (BAT, GBM, LAT, ECLAIRs, GRM, MXT, WXT…), when known. */
  readonly instrument?: string;
  /** The notice type: GCN's packet name, or the JSON notice's kind (e.g. `EP_WXT_ALERT`, `IGWN_PRELIMINARY`). */
  readonly noticeType?: string;
  /** GCN `Packet_Type`, for VOEvents that have one. */
  readonly packetType?: number;
  /**
   * The ids of the event within its mission (trigger id, burst id, superevent id, …): the first is
   * the main one. Notices of one mission that share one belong to one event.
   */
  readonly eventIds: readonly string[];
  /** When the notice was written (UTC ms), when it says. */
  readonly issuedAt?: number;
  /** When the event happened (trigger time, UTC ms), when it says. */
  readonly eventTime?: number;
  /** Undefined when the notice has no usable position; `positionNote` then says why. */
  readonly position?: NoticePosition;
  readonly positionNote?: string;
  readonly skyMap?: SkyMapSummary;
  readonly classification?: NoticeClassification;
  readonly citations: readonly NoticeCitation[];
  /** The notice withdraws its event (a retraction notice): what it cites, or its event, is not real. */
  readonly retraction: boolean;
  /** A name for the event (`GRB 120907`, `S230518h`), when the notice gives one. */
  readonly name?: string;
  /** The notice as received (UTF-8 text). */
  readonly raw: string;
}

/** The event a notice belongs to, for grouping: mission and main event id, or undefined when it has none. */
export function eventKeyOf(notice: Pick<Notice, 'mission' | 'instrument' | 'eventIds'>): string | undefined {
  const id = notice.eventIds[0];
  if (id === undefined || notice.mission === undefined) return undefined;
  // Fermi's GBM and LAT number their triggers apart: the same number is not the same event.
  const space =
    notice.mission === 'Fermi' && notice.instrument !== undefined
      ? `Fermi/${notice.instrument}`
      : notice.mission;
  return `${space}:${id}`;
}
