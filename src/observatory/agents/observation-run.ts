import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../logging/logger.js';
import { nightDateAt } from '../astro/night.js';
import { writeFits } from '../images/fits-writer.js';
import type { ObservatoryContext } from '../observatory-context.js';
import type { PlannedBlock } from '../scheduler/request.js';
import type { ObservationsRepo } from '../store/observations-repo.js';
import { frameHeader } from './frame-header.js';
import type { ObservatoryDevices } from './observatory-devices.js';

/** What an observation needs from its agent. */
export interface RunContext {
  readonly ctx: ObservatoryContext;
  readonly devices: ObservatoryDevices;
  readonly observations: ObservationsRepo;
  readonly imagesDir: string;
  readonly log: Logger;
  /** Throws (one line) unless the safety rule allows opening and exposing now. */
  assertSafe(): void;
  /** An image is written and recorded: tell the analyzer (called inside the store's transaction). */
  imageRecorded(imageId: number, image: { object: string; filter: string; dateObs: number }): void;
  /** Runs `fn` in one transaction of the agent's store. */
  transaction<T>(fn: () => T): T;
}

/**
 * One observation, start to end: the safety rule first, then the dome (opened unless it already
 * is), the slew, and for each filter its exposures, the rule checked again before each. Every
 * image is a FITS file under `imagesDir/NIGHT/`, recorded as it is written. Resolves with the
 * image ids; rejects with the reason it stopped (the signal's, when aborted).
 */
export async function runObservation(
  run: RunContext,
  block: PlannedBlock,
  observationId: number,
  signal: AbortSignal,
): Promise<number[]> {
  const { ctx, devices, observations, log } = run;
  const { telescope, filterWheel, camera, dome, focuser } = devices;
  const focus = ctx.settings.focuser;
  const images: number[] = [];
  run.assertSafe();
  // The opening itself is not aborted by a preemption (the dome would close again, and the alert
  // needs it open): the abort takes effect once the dome is open.
  if (dome.state() === 'closing') await dome.close();
  // Closed for the weather meanwhile (with more than one message at a time): do not reopen.
  signal.throwIfAborted();
  if (dome.state() !== 'open') {
    run.assertSafe();
    await dome.open();
  }
  signal.throwIfAborted();
  log.info(
    `slewing to ${block.targetName} (${block.target.raDeg.toFixed(3)}, ${block.target.decDeg.toFixed(3)})`,
  );
  await telescope.slewTo(block.target, signal);
  const folder = join(run.imagesDir, nightDateAt(ctx.site, ctx.clock.now()));
  mkdirSync(folder, { recursive: true });
  for (const spec of block.exposures) {
    await filterWheel.setFilter(spec.filter, signal);
    if (focus.position !== undefined) {
      await focuser.moveTo(focus.position + (focus.filter_offsets[spec.filter] ?? 0), signal);
    }
    for (let i = 1; i <= spec.count; i++) {
      run.assertSafe();
      const request = {
        exposureS: spec.exposureS,
        target: telescope.pointing(),
        filter: spec.filter,
        objectName: block.targetName,
      };
      const focusPosition = focuser.position();
      const frame = await camera.expose(request, signal);
      const { header, cards } = frameHeader(frame, {
        ctx,
        request,
        instrument: camera.name,
        observationId,
        focusPosition,
      });
      const path = join(folder, `${observationId}-${safeName(block.targetName)}-${spec.filter}-${i}.fits`);
      await writeFits(path, frame, header, cards);
      const image = {
        observationId,
        path,
        object: block.targetName,
        filter: spec.filter,
        exposureS: spec.exposureS,
        dateObs: header.dateObs,
        target: header.target,
        bytes: statSync(path).size,
      };
      const imageId = run.transaction(() => {
        const id = observations.addImage(image);
        run.imageRecorded(id, image);
        return id;
      });
      images.push(imageId);
    }
  }
  return images;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40);
}
