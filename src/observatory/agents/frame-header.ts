import { airmass } from '../astro/positions.js';
import type { CameraFrame, ExposureRequest } from '../devices/camera.js';
import { altitudeDeg } from '../devices/sky.js';
import type { FitsCard, ObservationHeader } from '../images/fits-header.js';
import { RESERVED_KEYWORDS } from '../images/fits-writer.js';
import type { ObservatoryContext } from '../observatory-context.js';

/** What the observation manager knows of an exposure besides the frame itself. */
export interface FrameContext {
  readonly ctx: ObservatoryContext;
  readonly request: ExposureRequest;
  readonly instrument: string;
  readonly observationId: number;
  /** The focuser's position during the exposure. */
  readonly focusPosition: number;
}

/**
 * The FITS header of a frame, the same for every camera: the observation's cards (object, filter,
 * pointing, time, site, focus, airmass, observation id), then the camera's own (a driver's FITS
 * cards: temperature, gain…) where they do not say the same thing as ours. Ours win: a driver's
 * OBJECT or RA is what the driver guessed, ours is what was observed.
 */
export function frameHeader(
  frame: CameraFrame,
  f: FrameContext,
): { header: ObservationHeader; cards: FitsCard[] } {
  const { settings, site } = f.ctx;
  const header: ObservationHeader = {
    dateObs: frame.startedAt,
    exposureS: frame.exposureS,
    target: f.request.target,
    filter: f.request.filter,
    objectName: f.request.objectName,
    telescope: settings.observatory.telescope,
    instrument: f.instrument,
    ...(frame.pixelScaleArcsec === undefined ? {} : { pixelScaleArcsec: frame.pixelScaleArcsec }),
  };
  const mid = frame.startedAt + (frame.exposureS * 1000) / 2;
  const alt = altitudeDeg(site, f.request.target, mid);
  const ours: FitsCard[] = [
    { keyword: 'OBSERVAT', value: settings.observatory.name, comment: 'observatory' },
    { keyword: 'SITELAT', value: site.latitudeDeg, comment: '[deg] site latitude, north' },
    { keyword: 'SITELONG', value: site.longitudeDeg, comment: '[deg] site longitude, east' },
    { keyword: 'SITEELEV', value: site.heightM, comment: '[m] site height' },
    {
      keyword: 'MJD-OBS',
      value: frame.startedAt / 86_400_000 + 40_587,
      comment: 'exposure start, MJD (UTC)',
    },
    { keyword: 'FOCUSPOS', value: f.focusPosition, comment: '[steps] focuser position' },
    { keyword: 'OBSID', value: f.observationId, comment: 'pyros-ts observation id' },
  ];
  if (alt > 0)
    ours.push({ keyword: 'AIRMASS', value: Number(airmass(alt).toFixed(4)), comment: 'at mid-exposure' });
  const taken = new Set(ours.map((c) => c.keyword));
  const theirs = frame.cards.filter((c) => {
    if (RESERVED_KEYWORDS.has(c.keyword) || taken.has(c.keyword)) return false;
    taken.add(c.keyword);
    return true;
  });
  return { header, cards: [...ours, ...theirs] };
}
