import {
  attrOf,
  childOf,
  pathOf,
  textOf,
  type XmlElement,
  type XmlNode,
} from '../../transport/vtp/xml-document.js';
import type { Equatorial } from '../astro/coordinates.js';
import { parseIsoTime, type TimeScale, toUtc } from './time-scales.js';
import { VoEventError } from './voevent-error.js';

/** Where an alert says its source is: equatorial J2000 (ICRS or FK5), degrees, and the radius of its error circle. */
export interface SkyPosition extends Equatorial {
  /** Error circle radius, degrees (as the notice gives it: GCN notices use a 90% or statistical radius). */
  readonly errorRadiusDeg: number;
}

/** What a VOEvent's WhereWhen says. */
export interface WhereWhen {
  /** The coordinate system id, e.g. `UTC-FK5-GEO`. */
  readonly coordSystem: string | undefined;
  /** The event's time (ISOTime), UTC ms since the epoch. */
  readonly eventTime: number | undefined;
  readonly position: SkyPosition | undefined;
  /** Why `position` is undefined, when it is. */
  readonly positionNote: string | undefined;
}

/**
 * Coordinate systems whose positions are used: time scale (UTC, TT, TDB, TAI, GPS), then an
 * equatorial J2000 frame (ICRS or FK5: they differ by under 0.03″), then any reference position
 * (GEO, TOPO, BARY…: parallax and aberration are far below a GRB error circle).
 */
export const ACCEPTED_COORD_SYSTEM = /^(UTC|TT|TDB|TAI|GPS)-(ICRS|FK5)(-[A-Z]+)+$/;

const TIME_SCALE = /^(UTC|TT|TDB|TAI|GPS)-/;

const TO_DEGREES: Readonly<Record<string, number>> = {
  deg: 1,
  degree: 1,
  degrees: 1,
  rad: 180 / Math.PI,
  arcmin: 1 / 60,
  arcsec: 1 / 3600,
};

const LOCATION = 'WhereWhen/ObsDataLocation/ObservationLocation';

function number(node: XmlNode | undefined, where: string): number | undefined {
  const text = textOf(node);
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new VoEventError(`${where}: "${text}" is not a number`);
  return n;
}

type PositionResult = Pick<WhereWhen, 'position' | 'positionNote'>;

function readPosition(coords: XmlNode | undefined, system: string | undefined): PositionResult {
  const where = `${LOCATION}/AstroCoords/Position2D`;
  const pos = childOf(coords, 'Position2D');
  if (pos === undefined) return { position: undefined, positionNote: 'WhereWhen has no Position2D' };
  if (system === undefined || !ACCEPTED_COORD_SYSTEM.test(system)) {
    return {
      position: undefined,
      positionNote: `coordinate system "${system ?? '(none)'}" is not an equatorial ICRS/FK5 one (accepted: e.g. UTC-FK5-GEO, UTC-ICRS-TOPO, TT-ICRS-BARY)`,
    };
  }
  const unit = attrOf(pos, 'unit') ?? 'deg';
  const scale = TO_DEGREES[unit.toLowerCase()];
  if (scale === undefined) {
    return {
      position: undefined,
      positionNote: `Position2D unit "${unit}" is not deg, rad, arcmin or arcsec`,
    };
  }
  const value = childOf(pos, 'Value2');
  const c1 = number(childOf(value, 'C1'), `${where}/Value2/C1`);
  const c2 = number(childOf(value, 'C2'), `${where}/Value2/C2`);
  const err = number(childOf(pos, 'Error2Radius'), `${where}/Error2Radius`);
  if (c1 === undefined || c2 === undefined) {
    return { position: undefined, positionNote: 'Position2D has no Value2/C1 and C2' };
  }
  // GCN's convention for "no position" (e.g. FERMI_GBM_ALERT): RA = Dec = error = 0.
  if (c1 === 0 && c2 === 0 && (err ?? 0) === 0) {
    return {
      position: undefined,
      positionNote: 'RA = Dec = error = 0: the notice carries no position (GCN convention)',
    };
  }
  if (err === undefined) {
    return { position: undefined, positionNote: 'Position2D has no Error2Radius: error circle unknown' };
  }
  if (err < 0) {
    return {
      position: undefined,
      positionNote: `Error2Radius ${err}: error circle unknown (e.g. an SVOM GRM on-board localisation)`,
    };
  }
  const raDeg = c1 * scale;
  const decDeg = c2 * scale;
  if (raDeg < 0 || raDeg > 360) throw new VoEventError(`${where}/Value2/C1: RA ${raDeg}° is outside 0..360`);
  if (decDeg < -90 || decDeg > 90) {
    throw new VoEventError(`${where}/Value2/C2: Dec ${decDeg}° is outside -90..90`);
  }
  return { position: { raDeg: raDeg % 360, decDeg, errorRadiusDeg: err * scale }, positionNote: undefined };
}

/**
 * Reads WhereWhen: coordinate system, event time converted to UTC from the system's time scale
 * (none or an unknown one: UTC, which is what GCN and SVOM use), and the position.
 */
export function readWhereWhen(voevent: XmlElement): WhereWhen {
  const location = pathOf(voevent, 'WhereWhen', 'ObsDataLocation', 'ObservationLocation');
  const coords = childOf(location, 'AstroCoords');
  const system = attrOf(coords, 'coord_system_id') ?? attrOf(childOf(location, 'AstroCoordSystem'), 'id');
  const iso = textOf(pathOf(coords, 'Time', 'TimeInstant', 'ISOTime'));
  const scale = (system !== undefined ? TIME_SCALE.exec(system)?.[1] : undefined) as TimeScale | undefined;
  const eventTime =
    iso === undefined || iso === ''
      ? undefined
      : toUtc(parseIsoTime(iso, `${LOCATION}/AstroCoords/Time/TimeInstant/ISOTime`), scale ?? 'UTC');
  return { coordSystem: system, eventTime, ...readPosition(coords, system) };
}
