import { GBM_CLASS_BY_INDEX, mostLikely } from './classes.js';
import type { Notice, NoticeClassification } from './notice.js';
import { parseVoEvent, type VoEvent } from './voevent.js';

/** Packet types that withdraw their event (GCN numbering). */
const RETRACTION_PACKETS = new Set(['LVC_RETRACTION']);

/** The instrument a GCN packet name or an SVOM IVORN names, in the missions' own spelling. */
const INSTRUMENTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^FERMI_GBM_|#GBM_/i, 'GBM'],
  [/^FERMI_LAT_|#LAT_/i, 'LAT'],
  [/^SWIFT_BAT_|#BAT_/i, 'BAT'],
  [/^SWIFT_XRT_|#XRT_/i, 'XRT'],
  [/^SWIFT_UVOT_|#UVOT_/i, 'UVOT'],
  [/^SVOM_ECLAIRS_|_eclairs\b/i, 'ECLAIRs'],
  [/^SVOM_GRM_|_grm\b/i, 'GRM'],
  [/^SVOM_MXT_|_mxt\b/i, 'MXT'],
  [/^SVOM_VT\b|_vt\b/i, 'VT'],
];

function instrumentOf(event: VoEvent): string | undefined {
  const named = event.params.Instrument?.trim();
  if (named !== undefined && named !== '') return named;
  for (const [re, name] of INSTRUMENTS) {
    if ((event.packetName !== undefined && re.test(event.packetName)) || re.test(event.ivorn)) return name;
  }
  return undefined;
}

const isTrue = (v: string | undefined) => v !== undefined && /^(true|1|yes)$/i.test(v.trim());

/**
 * What the notice says its source is: Fermi GBM's most likely class (with its probability, given
 * in percent); the flags of GCN notices that say it is not a burst (`Def_NOT_a_GRB`) or a known
 * source (`Target_in_*_Catalog`); an LVK notice's source probabilities.
 */
function classificationOf(event: VoEvent): NoticeClassification | undefined {
  const p = event.params;
  const index = p.Most_Likely_Index;
  if (index !== undefined && /^\d+$/.test(index.trim())) {
    const name = GBM_CLASS_BY_INDEX[Number(index)] ?? `GBM_CLASS_${index.trim()}`;
    const prob = Number(p.Most_Likely_Prob);
    return {
      class: name,
      ...(Number.isFinite(prob) && prob >= 0 && prob <= 100 ? { probability: prob / 100 } : {}),
      raw: `Most_Likely_Index ${index.trim()}${p.Most_Likely_Prob === undefined ? '' : ` (${p.Most_Likely_Prob} %)`}`,
    };
  }
  if (isTrue(p.Def_NOT_a_GRB)) return { class: 'NOT_GRB', raw: 'Def_NOT_a_GRB true' };
  for (const flag of ['Target_in_Flt_Catalog', 'Target_in_Gnd_Catalog', 'Target_in_Blk_Catalog']) {
    if (isTrue(p[flag])) return { class: 'KNOWN_SOURCE', raw: `${flag} true` };
  }
  const lvk: Record<string, number> = {};
  for (const name of ['BNS', 'NSBH', 'BBH', 'Terrestrial']) {
    const v = Number(p[name]);
    if (p[name] !== undefined && Number.isFinite(v)) lvk[name] = v;
  }
  const best = mostLikely(lvk);
  if (best === undefined) return undefined;
  return {
    class: best.class,
    probability: best.probability,
    raw: Object.entries(lvk)
      .map(([k, v]) => `${k} ${v.toPrecision(3)}`)
      .join(', '),
  };
}

/** The event's ids: the trigger or burst id, an LVK superevent's GraceID. */
function eventIdsOf(event: VoEvent): string[] {
  const ids = [event.triggerId, event.params.GraceID?.trim()].filter(
    (id): id is string => id !== undefined && id !== '',
  );
  return [...new Set(ids)];
}

/**
 * A VOEvent 2.0 notice (GCN Classic, SVOM, LVK, any VTP broker) as a {@link Notice}. Throws a
 * VoEventError (a NoticeError) with one line when it is not a usable VOEvent.
 */
export function voEventNotice(xml: string, maxBytes?: number): Notice {
  const event = parseVoEvent(xml, maxBytes === undefined ? {} : { maxBytes });
  const instrument = instrumentOf(event);
  const classification = classificationOf(event);
  const citations = event.citations.map((c) => ({ id: c.ivorn, kind: c.cite }));
  const alertType = event.params.AlertType?.trim().toLowerCase();
  const retraction =
    citations.some((c) => c.kind === 'retraction') ||
    (event.packetName !== undefined && RETRACTION_PACKETS.has(event.packetName)) ||
    alertType === 'retraction';
  const skyMapUrl = event.params.skymap_fits;
  const positionNote =
    event.position === undefined && skyMapUrl !== undefined && skyMapUrl.trim() !== ''
      ? `a sky map only (${skyMapUrl.trim().slice(0, 200)}), not fetched`
      : event.positionNote;
  const name = event.inferenceName ?? event.params.GraceID?.trim();
  return {
    id: event.ivorn,
    format: 'voevent',
    role: event.role,
    ...(event.mission === undefined ? {} : { mission: event.mission }),
    ...(instrument === undefined ? {} : { instrument }),
    ...(event.packetName === undefined ? {} : { noticeType: event.packetName }),
    ...(event.packetType === undefined ? {} : { packetType: event.packetType }),
    eventIds: eventIdsOf(event),
    ...(event.date === undefined ? {} : { issuedAt: event.date }),
    ...(event.eventTime === undefined ? {} : { eventTime: event.eventTime }),
    ...(event.position === undefined
      ? {}
      : {
          position: {
            raDeg: event.position.raDeg,
            decDeg: event.position.decDeg,
            errorDeg: event.position.errorRadiusDeg,
          },
        }),
    ...(positionNote === undefined ? {} : { positionNote }),
    ...(classification === undefined ? {} : { classification }),
    citations,
    retraction,
    ...(name === undefined || name === '' ? {} : { name }),
    raw: xml,
  };
}
