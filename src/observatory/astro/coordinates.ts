/** A position on the sky, equatorial J2000, in degrees. */
export interface Equatorial {
  /** Right ascension, 0 ≤ ra < 360. */
  readonly raDeg: number;
  /** Declination, -90 ≤ dec ≤ 90. */
  readonly decDeg: number;
}

/** Altitude and azimuth seen from a site, in degrees (azimuth from north through east). */
export interface Horizontal {
  readonly altDeg: number;
  readonly azDeg: number;
}

/** Where the observatory stands and what it may observe. */
export interface Site {
  readonly name: string;
  /** Geodetic latitude, degrees north. */
  readonly latitudeDeg: number;
  /** Longitude, degrees east. */
  readonly longitudeDeg: number;
  /** Height above sea level, metres. */
  readonly heightM: number;
  /** The telescope refuses targets below this altitude (degrees). */
  readonly horizonLimitDeg: number;
  /** Observing starts when the Sun's centre is below this altitude (degrees, e.g. -12). */
  readonly sunLimitDeg: number;
  /** Minimum angular distance between a target and the Moon (degrees). */
  readonly moonSeparationDeg: number;
}
