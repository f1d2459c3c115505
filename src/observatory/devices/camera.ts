import type { Equatorial } from '../astro/coordinates.js';
import type { FitsCard, FitsImage } from '../images/fits-header.js';
import type { Device } from './device.js';

/** What to expose. */
export interface ExposureRequest {
  readonly exposureS: number;
  /** Where the telescope points (from `telescope.pointing()`): a simulator renders the sky there. */
  readonly target: Equatorial;
  /** The filter in the beam (the camera does not move the wheel). */
  readonly filter: string;
  readonly objectName: string;
}

/**
 * An image read out from the camera. The FITS header is not the camera's to write: the
 * observation manager assembles it (object, filter, pointing, site, time) for every camera, and
 * merges in `cards`, the camera's own (a driver's FITS header: temperature, gain, binning…).
 */
export interface CameraFrame extends FitsImage {
  /** Start of the exposure (DATE-OBS), observatory time, ms. */
  readonly startedAt: number;
  readonly exposureS: number;
  /** Arcseconds per pixel, when the camera knows it. */
  readonly pixelScaleArcsec?: number;
  /** The camera's own header cards; the observation manager's win where both set one. */
  readonly cards: readonly FitsCard[];
}

/** What the camera is doing. */
export type CameraStatus = 'idle' | 'exposing' | 'reading';

/** A camera, simulated ({@link CameraSim}) or real. */
export interface Camera extends Device {
  status(): CameraStatus;
  /**
   * Exposes, reads out, and resolves with the frame. Rejects with a DeviceError if busy, given a
   * bad request or the device failed (its own words); with the signal's reason, promptly, if
   * aborted (the exposure is then aborted on the device too).
   */
  expose(request: ExposureRequest, signal?: AbortSignal): Promise<CameraFrame>;
}
