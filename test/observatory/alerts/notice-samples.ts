// Real notices for the alert tests, and variants of them made the way a mission's follow-ups
// and retractions differ from a first notice: another IVORN, trigger, position, error, citation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VOEVENTS } from '../observatory-fixture.js';

export const SWIFT_IVORN = 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-729';
/** Swift BAT GRB position 61, GRB 120907A (role observation, error 0.05°). */
export const SWIFT = readFileSync(join(VOEVENTS, 'swift_bat_grb_pos_61_GRB120907A_observation.xml'), 'utf8');

/** The Swift notice under another ivorn (and trigger), at another position and error, citing an earlier notice. */
export function swiftVariant(o: {
  ivorn: string;
  ra?: number;
  dec?: number;
  err?: number;
  triggerId?: string;
  cites?: { kind: 'followup' | 'supersedes' | 'retraction'; ivorn: string };
}): string {
  let xml = SWIFT.replace(`ivorn="${SWIFT_IVORN}"`, `ivorn="${o.ivorn}"`)
    .replace(/<C1>[^<]*<\/C1>/, `<C1>${o.ra ?? 74.7412}</C1>`)
    .replace(/<C2>[^<]*<\/C2>/, `<C2>${o.dec ?? -9.3137}</C2>`)
    .replace(/<Error2Radius>[^<]*<\/Error2Radius>/, `<Error2Radius>${o.err ?? 0.05}</Error2Radius>`);
  if (o.triggerId !== undefined) {
    xml = xml.replace(
      /name="TrigID" dataType="string" value="[^"]*"/,
      `name="TrigID" dataType="string" value="${o.triggerId}"`,
    );
  }
  if (o.cites !== undefined) {
    xml = xml.replace(
      '<Why',
      `<Citations><EventIVORN cite="${o.cites.kind}">${o.cites.ivorn}</EventIVORN></Citations>\n<Why`,
    );
  }
  return xml;
}
