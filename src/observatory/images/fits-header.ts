import type { Equatorial } from '../astro/coordinates.js';

/** A 2-D image as a camera reads it out: row-major, `pixels[y * width + x]`, row 0 at the bottom (FITS order). */
export interface FitsImage {
  readonly pixels: Uint16Array | Float32Array;
  readonly width: number;
  readonly height: number;
}

/** What an exposure was: the cards every frame's FITS header carries. */
export interface ObservationHeader {
  /** Start of the exposure (DATE-OBS), ms since the epoch, observatory time. */
  readonly dateObs: number;
  /** EXPTIME, seconds. */
  readonly exposureS: number;
  /** RA and DEC, J2000 degrees: where the telescope pointed. */
  readonly target: Equatorial;
  /** FILTER. */
  readonly filter: string;
  /** OBJECT. */
  readonly objectName: string;
  /** TELESCOP. */
  readonly telescope: string;
  /** INSTRUME. */
  readonly instrument: string;
  /** PIXSCALE, arcseconds per pixel, when known. */
  readonly pixelScaleArcsec?: number;
}

/** A header value as FITS stores it. */
export type FitsValue = string | number | boolean;

/** One extra header card (keyword: up to 8 of A–Z, 0–9, `-`, `_`). */
export interface FitsCard {
  readonly keyword: string;
  readonly value: FitsValue;
  readonly comment?: string;
}
