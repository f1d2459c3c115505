/**
 * The names of what a notice says its source is. GBM's (as GCN's unified JSON schema spells its
 * `classification` keys) serve for every gamma-ray mission; IGWN's for gravitational waves.
 */

/** Fermi GBM's `Most_Likely_Index` (VOEvent notices) as the JSON schema names the same classes. */
export const GBM_CLASS_BY_INDEX: Readonly<Record<number, string>> = {
  0: 'ERROR',
  1: 'UNRELIABLE_LOCATION',
  2: 'LOCAL_PARTICLES',
  3: 'BELOW_HORIZON',
  4: 'GRB',
  5: 'GENERIC_SGR',
  6: 'GENERIC_TRANSIENT',
  7: 'DISTANT_PARTICLES',
  8: 'SOLAR_FLARE',
  9: 'CYG_X1',
  10: 'SGR_1806_20',
  11: 'GROJ_0422_32',
  19: 'TGF',
};

/** IGWN's `classification` keys, upper-cased: the source of a gravitational-wave candidate. */
export const IGWN_CLASSES = ['BNS', 'NSBH', 'BBH', 'TERRESTRIAL'] as const;

/**
 * A class name as the decisions compare it: upper case, words joined by `_` (`Solar flare` →
 * `SOLAR_FLARE`, `Terrestrial` → `TERRESTRIAL`).
 */
export function normalClass(name: string): string {
  return name
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/** The most likely of `{ class: probability }` (ties: the first), normalised; undefined for an empty map. */
export function mostLikely(
  probabilities: Readonly<Record<string, number>>,
): { class: string; probability: number } | undefined {
  let best: { class: string; probability: number } | undefined;
  for (const [name, p] of Object.entries(probabilities)) {
    if (typeof p !== 'number' || !Number.isFinite(p)) continue;
    if (best === undefined || p > best.probability) best = { class: normalClass(name), probability: p };
  }
  return best;
}
