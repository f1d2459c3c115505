import type { Clock } from '../clock/clock.js';
import { hashNumbers } from '../images/seeded-random.js';
import { renderSkyImage } from '../images/synthetic-image.js';
import type { Camera, CameraFrame, CameraStatus, ExposureRequest } from './camera.js';
import { ALWAYS_UP, type DeviceLink } from './device.js';
import { DeviceError } from './device-error.js';
import { invalidPosition } from './sky.js';
import type { WeatherStation } from './weather-station.js';

/** How a simulated camera behaves. */
export interface CameraSimOptions {
  readonly clock: Clock;
  /** Default `camera` (the INSTRUME card). */
  readonly name?: string;
  /** Default 512 × 512. */
  readonly width?: number;
  readonly height?: number;
  /** Default 1 arcsec per pixel. */
  readonly pixelScaleArcsec?: number;
  /** Star FWHM, arcseconds (default 3). */
  readonly seeingArcsec?: number;
  /** Readout time, seconds of observatory time (default 2). */
  readonly readoutS?: number;
  /** When given, clouds dim the stars: the light getting through is 1 − 0.9 × cover. */
  readonly weather?: WeatherStation;
}

/**
 * A simulated CCD: waits the exposure then the readout on the Clock, then renders the simulated
 * sky at the pointing ({@link renderSkyImage}). The noise is seeded by the exposure's start time
 * and request, so a frame is reproducible from its header.
 */
export class CameraSim implements Camera {
  readonly name: string;
  readonly #options: CameraSimOptions;
  readonly #readoutMs: number;
  #status: CameraStatus = 'idle';

  constructor(options: CameraSimOptions) {
    this.name = options.name ?? 'camera';
    this.#options = options;
    this.#readoutMs = (options.readoutS ?? 2) * 1000;
    for (const [what, value] of [
      ['width', options.width ?? 512],
      ['height', options.height ?? 512],
    ] as const) {
      if (!Number.isInteger(value) || value < 1)
        throw new DeviceError(this.name, `${what} must be a whole number > 0`);
    }
    if (!(this.#readoutMs >= 0)) throw new DeviceError(this.name, `readout time must be >= 0 s`);
  }

  link(): DeviceLink {
    return ALWAYS_UP;
  }

  async disconnect(): Promise<void> {}

  status(): CameraStatus {
    return this.#status;
  }

  async expose(request: ExposureRequest, signal?: AbortSignal): Promise<CameraFrame> {
    if (!(request.exposureS >= 0) || !Number.isFinite(request.exposureS)) {
      throw new DeviceError(this.name, `exposure time ${request.exposureS} s is not a duration >= 0`);
    }
    const bad = invalidPosition(request.target);
    if (bad !== undefined) throw new DeviceError(this.name, `invalid target: ${bad}`);
    if (this.#status !== 'idle') throw new DeviceError(this.name, `busy (${this.#status})`);
    signal?.throwIfAborted();
    const clock = this.#options.clock;
    const dateObs = clock.now();
    this.#status = 'exposing';
    try {
      await clock.sleep(request.exposureS * 1000, signal);
      this.#status = 'reading';
      await clock.sleep(this.#readoutMs, signal);
      return await this.#render(request, dateObs);
    } finally {
      this.#status = 'idle';
    }
  }

  async #render(request: ExposureRequest, dateObs: number): Promise<CameraFrame> {
    const o = this.#options;
    const width = o.width ?? 512;
    const height = o.height ?? 512;
    const pixelScaleArcsec = o.pixelScaleArcsec ?? 1;
    const cover = (await o.weather?.read().catch(() => undefined))?.cloudCoverPct ?? 0;
    const filterCode = [...request.filter].map((c) => c.charCodeAt(0));
    const { pixels } = renderSkyImage({
      center: request.target,
      exposureS: request.exposureS,
      filter: request.filter,
      seed: hashNumbers(
        dateObs,
        request.target.raDeg,
        request.target.decDeg,
        request.exposureS,
        ...filterCode,
      ),
      width,
      height,
      pixelScaleArcsec,
      seeingArcsec: o.seeingArcsec ?? 3,
      transmission: 1 - 0.9 * (cover / 100),
    });
    return {
      pixels,
      width,
      height,
      startedAt: dateObs,
      exposureS: request.exposureS,
      pixelScaleArcsec,
      cards: [],
    };
  }
}
