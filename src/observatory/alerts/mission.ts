/** The space (or ground) missions whose alerts the observatory knows by name. */
export type Mission =
  | 'Swift'
  | 'Fermi'
  | 'SVOM'
  | 'INTEGRAL'
  | 'AGILE'
  | 'MAXI'
  | 'IceCube'
  | 'LVK'
  | 'GECAM'
  | 'CALET'
  | 'HAWC'
  | 'Konus-Wind'
  | 'IPN'
  | 'SNEWS';

// Matched against the IVORN's authority and path, lower-cased, as whole words: the GCN writes
// `ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_…`, SVOM `ivo://org.svom/fsc#sb…`, LVK `ivo://gwnet/LVC#…`.
const BY_IVORN_WORD: ReadonlyArray<readonly [RegExp, Mission]> = [
  [/\bsvom\b/, 'SVOM'],
  [/\bswift\b/, 'Swift'],
  [/\b(fermi|glast)\b/, 'Fermi'],
  [/\bintegral\b/, 'INTEGRAL'],
  [/\bagile\b/, 'AGILE'],
  [/\bmaxi\b/, 'MAXI'],
  [/\bicecube\b/, 'IceCube'],
  [/\b(lvc|lvk|gwnet)\b/, 'LVK'],
  [/\bgecam\b/, 'GECAM'],
  [/\bcalet\b/, 'CALET'],
  [/\bhawc\b/, 'HAWC'],
  [/\bkonus\b/, 'Konus-Wind'],
  [/\bipn\b/, 'IPN'],
  [/\bsnews\b/, 'SNEWS'],
];

/** The mission an IVORN names (authority or path before `#`), or undefined. */
export function missionFromIvorn(ivorn: string | undefined): Mission | undefined {
  if (ivorn === undefined) return undefined;
  const where = ivorn
    .replace(/^ivo:\/\//i, '')
    .split('#')[0]
    ?.toLowerCase()
    .replace(/[./]/g, ' ');
  if (where === undefined) return undefined;
  return BY_IVORN_WORD.find(([re]) => re.test(where))?.[1];
}
