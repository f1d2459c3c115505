import type { Equatorial } from '../astro/coordinates.js';
import type { FitsImage, ObservationHeader } from '../images/fits-header.js';

/** What to expose. */
export interface ExposureRequest {
  readonly exposureS: number;
  /** Where the telescope points (from `telescope.pointing()`): the image's centre and its RA/DEC. */
  readonly target: Equatorial;
  /** The filter in the beam (the camera does not move the wheel). */
  readonly filter: string;
  readonly objectName: string;
}

/** An image read out from the camera, ready for `writeFits(path, frame, frame.header)`. */
export interface CameraFrame extends FitsImage {
  readonly pixels: Uint16Array;
  readonly header: ObservationHeader;
}

/** What the camera is doing. */
export type CameraStatus = 'idle' | 'exposing' | 'reading';

/** A camera, simulated ({@link CameraSim}) or real. */
export interface Camera {
  readonly name: string;
  status(): CameraStatus;
  /**
   * Exposes, reads out, and resolves with the frame (DATE-OBS: the clock's time at the start).
   * Rejects with a DeviceError if busy or given a bad request; with the signal's reason, promptly,
   * if aborted (the camera is then idle again).
   */
  expose(request: ExposureRequest, signal?: AbortSignal): Promise<CameraFrame>;
}
