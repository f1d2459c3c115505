import type { Mission } from './mission.js';

/** What a notice's `Packet_Type` param means. */
export interface PacketType {
  readonly id: number;
  /** GCN's name for the type (e.g. SWIFT_BAT_GRB_POS_ACK), or ours for SVOM's (SVOM_ECLAIRS_WAKEUP). */
  readonly name: string;
  readonly mission: Mission | undefined;
}

type Row = readonly [id: number, name: string, mission?: Mission];

/**
 * NASA GCN notice types, with the ids and names of the GCN socket packet definitions
 * (https://gcn.gsfc.nasa.gov/sock_pkt_def_doc.html, as listed by https://gcn.gsfc.nasa.gov/filtering.html
 * and pygcn's gcn/notice_types.py). Historic missions (BATSE, HETE, BeppoSAX, RXTE) are left out.
 */
const GCN_ROWS: readonly Row[] = [
  [1, 'GRB_COORDS'],
  [2, 'TEST_COORDS'],
  [3, 'IM_ALIVE'],
  [4, 'KILL_SOCKET'],
  [31, 'IPN_RAW', 'IPN'],
  [32, 'IPN_SEG', 'IPN'],
  [39, 'IPN_POS', 'IPN'],
  [45, 'GRB_CNTRPART'],
  [46, 'SWIFT_TOO_FOM', 'Swift'],
  [47, 'SWIFT_TOO_SC_SLEW', 'Swift'],
  [51, 'INTEGRAL_POINTDIR', 'INTEGRAL'],
  [52, 'INTEGRAL_SPIACS', 'INTEGRAL'],
  [53, 'INTEGRAL_WAKEUP', 'INTEGRAL'],
  [54, 'INTEGRAL_REFINED', 'INTEGRAL'],
  [55, 'INTEGRAL_OFFLINE', 'INTEGRAL'],
  [56, 'INTEGRAL_WEAK', 'INTEGRAL'],
  [59, 'KONUS_LC', 'Konus-Wind'],
  [60, 'SWIFT_BAT_GRB_ALERT', 'Swift'],
  [61, 'SWIFT_BAT_GRB_POS_ACK', 'Swift'],
  [62, 'SWIFT_BAT_GRB_POS_NACK', 'Swift'],
  [63, 'SWIFT_BAT_GRB_LC', 'Swift'],
  [64, 'SWIFT_BAT_SCALEDMAP', 'Swift'],
  [65, 'SWIFT_FOM_OBS', 'Swift'],
  [66, 'SWIFT_SC_SLEW', 'Swift'],
  [67, 'SWIFT_XRT_POSITION', 'Swift'],
  [68, 'SWIFT_XRT_SPECTRUM', 'Swift'],
  [69, 'SWIFT_XRT_IMAGE', 'Swift'],
  [70, 'SWIFT_XRT_LC', 'Swift'],
  [71, 'SWIFT_XRT_CENTROID', 'Swift'],
  [72, 'SWIFT_UVOT_DBURST', 'Swift'],
  [73, 'SWIFT_UVOT_FCHART', 'Swift'],
  [76, 'SWIFT_BAT_GRB_LC_PROC', 'Swift'],
  [77, 'SWIFT_XRT_SPECTRUM_PROC', 'Swift'],
  [78, 'SWIFT_XRT_IMAGE_PROC', 'Swift'],
  [79, 'SWIFT_UVOT_DBURST_PROC', 'Swift'],
  [80, 'SWIFT_UVOT_FCHART_PROC', 'Swift'],
  [81, 'SWIFT_UVOT_POS', 'Swift'],
  [82, 'SWIFT_BAT_GRB_POS_TEST', 'Swift'],
  [83, 'SWIFT_POINTDIR', 'Swift'],
  [84, 'SWIFT_BAT_TRANS', 'Swift'],
  [85, 'SWIFT_XRT_THRESHPIX', 'Swift'],
  [86, 'SWIFT_XRT_THRESHPIX_PROC', 'Swift'],
  [87, 'SWIFT_XRT_SPER', 'Swift'],
  [88, 'SWIFT_XRT_SPER_PROC', 'Swift'],
  [89, 'SWIFT_UVOT_POS_NACK', 'Swift'],
  [90, 'SWIFT_BAT_ALARM_SHORT', 'Swift'],
  [91, 'SWIFT_BAT_ALARM_LONG', 'Swift'],
  [92, 'SWIFT_UVOT_EMERGENCY', 'Swift'],
  [93, 'SWIFT_XRT_EMERGENCY', 'Swift'],
  [94, 'SWIFT_FOM_PPT_ARG_ERR', 'Swift'],
  [95, 'SWIFT_FOM_SAFE_POINT', 'Swift'],
  [96, 'SWIFT_FOM_SLEW_ABORT', 'Swift'],
  [97, 'SWIFT_BAT_QL_POS', 'Swift'],
  [98, 'SWIFT_BAT_SUB_THRESHOLD', 'Swift'],
  [99, 'SWIFT_BAT_SLEW_POS', 'Swift'],
  [100, 'AGILE_GRB_WAKEUP', 'AGILE'],
  [101, 'AGILE_GRB_GROUND', 'AGILE'],
  [102, 'AGILE_GRB_REFINED', 'AGILE'],
  [103, 'SWIFT_ACTUAL_POINTDIR', 'Swift'],
  [107, 'AGILE_POINTDIR', 'AGILE'],
  [108, 'AGILE_TRANS', 'AGILE'],
  [109, 'AGILE_GRB_POS_TEST', 'AGILE'],
  [110, 'FERMI_GBM_ALERT', 'Fermi'],
  [111, 'FERMI_GBM_FLT_POS', 'Fermi'],
  [112, 'FERMI_GBM_GND_POS', 'Fermi'],
  [113, 'FERMI_GBM_LC', 'Fermi'],
  [114, 'FERMI_GBM_GND_INTERNAL', 'Fermi'],
  [115, 'FERMI_GBM_FIN_POS', 'Fermi'],
  [116, 'FERMI_GBM_ALERT_INTERNAL', 'Fermi'],
  [117, 'FERMI_GBM_FLT_INTERNAL', 'Fermi'],
  [118, 'FERMI_GBM_TRANS', 'Fermi'],
  [119, 'FERMI_GBM_POS_TEST', 'Fermi'],
  [120, 'FERMI_LAT_POS_INI', 'Fermi'],
  [121, 'FERMI_LAT_POS_UPD', 'Fermi'],
  [122, 'FERMI_LAT_POS_DIAG', 'Fermi'],
  [123, 'FERMI_LAT_TRANS', 'Fermi'],
  [124, 'FERMI_LAT_POS_TEST', 'Fermi'],
  [125, 'FERMI_LAT_MONITOR', 'Fermi'],
  [126, 'FERMI_SC_SLEW', 'Fermi'],
  [127, 'FERMI_LAT_GND', 'Fermi'],
  [128, 'FERMI_LAT_OFFLINE', 'Fermi'],
  [129, 'FERMI_POINTDIR', 'Fermi'],
  [130, 'SIMBADNED'],
  [131, 'FERMI_GBM_SUBTHRESH', 'Fermi'],
  [133, 'SWIFT_BAT_MONITOR', 'Swift'],
  [134, 'MAXI_UNKNOWN', 'MAXI'],
  [135, 'MAXI_KNOWN', 'MAXI'],
  [136, 'MAXI_TEST', 'MAXI'],
  [140, 'SWIFT_BAT_SUBSUB', 'Swift'],
  [141, 'SWIFT_BAT_KNOWN_SRC', 'Swift'],
  [142, 'VOE_11_IM_ALIVE'],
  [143, 'VOE_20_IM_ALIVE'],
  [144, 'FERMI_SC_SLEW_INTERNAL', 'Fermi'],
  [145, 'COINCIDENCE'],
  [146, 'FERMI_GBM_FIN_INTERNAL', 'Fermi'],
  [149, 'SNEWS', 'SNEWS'],
  [150, 'LVC_PRELIMINARY', 'LVK'],
  [151, 'LVC_INITIAL', 'LVK'],
  [152, 'LVC_UPDATE', 'LVK'],
  [153, 'LVC_TEST', 'LVK'],
  [154, 'LVC_COUNTERPART', 'LVK'],
  [157, 'AMON_ICECUBE_COINC', 'IceCube'],
  [158, 'AMON_ICECUBE_HESE', 'IceCube'],
  [160, 'CALET_GBM_FLT_LC', 'CALET'],
  [161, 'CALET_GBM_GND_LC', 'CALET'],
  [164, 'LVC_RETRACTION', 'LVK'],
  [169, 'AMON_ICECUBE_EHE', 'IceCube'],
  [171, 'HAWC_BURST_MONITOR', 'HAWC'],
  [173, 'ICECUBE_ASTROTRACK_GOLD', 'IceCube'],
  [174, 'ICECUBE_ASTROTRACK_BRONZE', 'IceCube'],
];

/**
 * SVOM's own `Packet_Type` values (SVOM French Science Center, "Notices levels":
 * https://fsc.svom.org/readthedocs/svom/notices_and_circulars/notice_levels.html). They are not GCN
 * socket ids, so they are looked up only for SVOM IVORNs; the names are the FSC notice types.
 */
const SVOM_ROWS: readonly Row[] = [
  [201, 'SVOM_GRM_TRIGGER', 'SVOM'],
  [202, 'SVOM_ECLAIRS_WAKEUP', 'SVOM'],
  [203, 'SVOM_ECLAIRS_CATALOG', 'SVOM'],
  [204, 'SVOM_SLEWING', 'SVOM'],
  [205, 'SVOM_NOT_SLEWING', 'SVOM'],
  [209, 'SVOM_MXT_INITIAL', 'SVOM'],
  [210, 'SVOM_MXT_UPDATE', 'SVOM'],
  [211, 'SVOM_VT', 'SVOM'],
];

const table = (rows: readonly Row[]) =>
  new Map<number, PacketType>(rows.map(([id, name, mission]) => [id, { id, name, mission }]));

/** The GCN notice types by id. */
export const GCN_PACKET_TYPES: ReadonlyMap<number, PacketType> = table(GCN_ROWS);

/** SVOM's notice types by `Packet_Type`. */
export const SVOM_PACKET_TYPES: ReadonlyMap<number, PacketType> = table(SVOM_ROWS);

/** What `Packet_Type` `id` means: in SVOM's numbering for an SVOM notice, else in GCN's. */
export function packetType(id: number, fromSvom: boolean): PacketType | undefined {
  return (fromSvom ? SVOM_PACKET_TYPES : GCN_PACKET_TYPES).get(id);
}
