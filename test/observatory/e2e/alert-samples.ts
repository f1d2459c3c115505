import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Horizon, Observer, SiderealTime } from 'astronomy-engine';
import { VOEVENTS } from '../observatory-fixture.js';

const SWIFT = readFileSync(join(VOEVENTS, 'swift_bat_grb_pos_61_GRB120907A_observation.xml'), 'utf8');
const SWIFT_IVORN = 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-729';
export const TEST_NOTICE = readFileSync(join(VOEVENTS, 'swift_bat_grb_pos_test_82_role-test.xml'), 'utf8');

/** RA/Dec at the zenith of the site at `time` (of date; precession since J2000 is far below the tests' needs). */
export function zenith(time: number, latitudeDeg: number, longitudeDeg: number): { ra: number; dec: number } {
  const lst = (SiderealTime(new Date(time)) + longitudeDeg / 15 + 24) % 24;
  // Checked against astronomy-engine's own horizon transform, so that a typo cannot pass silently.
  const observer = new Observer(latitudeDeg, longitudeDeg, 0);
  const alt = Horizon(new Date(time), observer, lst, latitudeDeg, 'normal').altitude;
  if (alt < 85) throw new Error(`zenith(): altitude ${alt}`);
  return { ra: lst * 15, dec: latitudeDeg };
}

/**
 * The real Swift BAT notice made into a new alert: its own ivorn and trigger id, a position, an
 * event time (ISO), and optionally a citation of an earlier ivorn.
 */
export function swiftAlert(o: {
  ivorn: string;
  triggerId: string;
  ra: number;
  dec: number;
  time: number;
  cites?: { ivorn: string; kind: 'followup' | 'retraction' };
}): string {
  const iso = new Date(o.time).toISOString().replace('Z', '');
  let xml = SWIFT.replace(`ivorn="${SWIFT_IVORN}"`, `ivorn="${o.ivorn}"`)
    .replace(/<C1>[^<]*<\/C1>/, `<C1>${o.ra}</C1>`)
    .replace(/<C2>[^<]*<\/C2>/, `<C2>${o.dec}</C2>`)
    .replace(/<ISOTime>[^<]*<\/ISOTime>/, `<ISOTime>${iso}</ISOTime>`)
    .replace(
      /name="TrigID" dataType="string" value="[^"]*"/,
      `name="TrigID" dataType="string" value="${o.triggerId}"`,
    );
  if (o.cites !== undefined) {
    xml = xml.replace(
      '<Why',
      `<Citations><EventIVORN cite="${o.cites.kind}">${o.cites.ivorn}</EventIVORN></Citations>\n<Why`,
    );
  }
  return xml;
}
