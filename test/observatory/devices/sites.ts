import type { Site } from '../../../src/observatory/astro/coordinates.js';

/** TAROT at Calern (Observatoire de la Côte d'Azur): a GRB follow-up telescope. */
export const calern: Site = {
  name: 'Calern',
  latitudeDeg: 43.7525,
  longitudeDeg: 6.9222,
  heightM: 1270,
  horizonLimitDeg: 20,
  sunLimitDeg: -12,
  moonSeparationDeg: 20,
};

/** At Calern, dec +80 never sets below 33.75° and dec −60 never rises above −13.75°, whatever the time. */
export const alwaysUp = { raDeg: 120, decDeg: 80 };
export const neverUp = { raDeg: 120, decDeg: -60 };
