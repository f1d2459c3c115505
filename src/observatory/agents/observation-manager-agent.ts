import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from '../../agent/agent.js';
import { defineApp } from '../../host/app.js';
import { nightDateAt } from '../astro/night.js';
import { writeFits } from '../images/fits-writer.js';
import { Msg } from '../messages.js';
import type { ObservatoryContext } from '../observatory-context.js';
import type { PlannedBlock } from '../scheduler/request.js';
import { ObservatoryAgent } from './observatory-agent.js';
import { type ObservatoryDevices, observatoryDevices } from './observatory-devices.js';

/** Failures after which a request is given up rather than planned again. */
const MAX_FAILURES = 3;

interface Current {
  readonly observationId: number;
  readonly block: PlannedBlock;
  readonly controller: AbortController;
  /** Resolves once the observation has ended and its state is recorded (before anyone is told). */
  readonly released: Promise<void>;
  readonly release: () => void;
}

/** The reason an observation stopped early, kept on the abort signal. */
class Aborted extends Error {}

/**
 * Drives the devices through an observation (open the dome, slew, then each filter's exposures),
 * writes every image as a FITS file and records it, hands it to the analyzer, and reports
 * "Observation finished" or "Observation failed" with the reason. Watches the weather itself while
 * observing: rain stops the exposures and closes the dome without waiting for anyone.
 */
export class ObservationManagerAgent extends ObservatoryAgent {
  #devices: ObservatoryDevices | undefined;
  #current: Current | undefined;

  constructor(ctx?: ObservatoryContext, devices?: ObservatoryDevices) {
    super(Agent.OBSERVATION_MANAGER, ctx);
    this.#devices = devices;
    this.actionsByMessage[Msg.START_OBSERVATION] = (p: { block: PlannedBlock }) =>
      this.startObservation(p.block);
    this.actionsByMessage[Msg.ABORT_OBSERVATION] = (p: { reason?: string } | undefined) =>
      this.abort(p?.reason ?? 'aborted');
    this.actionsByMessage[Msg.CLOSE_DOME] = async (p: { reason?: string } | undefined) => {
      const aborted = await this.abort(p?.reason ?? 'dome closed');
      await this.devices.dome.close();
      return { ...aborted, dome: this.devices.dome.state() };
    };
    this.actionsByMessage.Devices = () => ({
      telescope: { status: this.devices.telescope.status(), pointing: this.devices.telescope.pointing() },
      dome: this.devices.dome.state(),
      filter: this.devices.filterWheel.filter(),
      observing: this.#current?.block ?? null,
    });
  }

  /** Observations left running by a host that was killed: closed, their requests planned again. */
  /** The devices (built by work(), before any message is handled). */
  get devices(): ObservatoryDevices {
    if (this.#devices === undefined) throw new Error('devices not ready: the agent has not started');
    return this.#devices;
  }

  protected override async work(): Promise<void> {
    this.#devices ??= await observatoryDevices(this.ctx);
    const now = this.ctx.clock.now();
    for (const o of this.ctx.observations.inState('running')) {
      const reason = 'interrupted: the observation manager stopped during the observation';
      this.ctx.observations.end(o.id, 'aborted', now, reason);
      this.ctx.requests.setState(o.requestId, 'pending', now, 'interrupted', ['observing']);
      this.log.warn(
        `observation ${o.id} (${o.targetName}) was interrupted by a restart; its request is pending again`,
      );
      // The majordome still counts it as running (after a crash of this thread alone, it never
      // heard the end): tell it and the scheduler, as for any other end.
      await this.notify([Agent.SCHEDULER, Agent.MAJORDOME], Msg.OBS_FAILED, {
        observationId: o.id,
        requestId: o.requestId,
        blockId: o.blockId,
        reason,
        aborted: true,
      });
    }
  }

  /** Starts the block's observation in the background; replies with its id at once. */
  startObservation(block: PlannedBlock): { observationId: number } {
    if (this.#current !== undefined) {
      throw new Error(
        `busy with observation ${this.#current.observationId} (${this.#current.block.targetName})`,
      );
    }
    const now = this.ctx.clock.now();
    const state = this.ctx.requests.get(block.requestId)?.state;
    if (state !== 'pending' && state !== 'scheduled') {
      throw new Error(`request ${block.requestId} is ${state ?? 'unknown'}: nothing to observe`);
    }
    const observationId = this.ctx.observations.start({
      requestId: block.requestId,
      blockId: block.id,
      targetName: block.targetName,
      startedAt: now,
    });
    this.ctx.requests.setState(block.requestId, 'observing', now);
    const controller = new AbortController();
    let release = (): void => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#current = { observationId, block, controller, released, release };
    void this.observe(block, observationId, controller.signal).finally(() => this.#release(observationId));
    return { observationId };
  }

  #release(observationId: number): void {
    const current = this.#current;
    if (current?.observationId !== observationId) return;
    this.#current = undefined;
    current.release();
  }

  /**
   * Stops the running observation (if any) and waits until it has ended and is recorded: the
   * devices are free for the next one (whoever asked is answered without waiting for the
   * "Observation failed" notices to be delivered).
   */
  async abort(reason: string): Promise<{ aborted: number | null }> {
    const current = this.#current;
    if (current === undefined) return { aborted: null };
    current.controller.abort(new Aborted(reason));
    await current.released;
    return { aborted: current.observationId };
  }

  private async observe(block: PlannedBlock, observationId: number, signal: AbortSignal): Promise<void> {
    const { clock, requests, observations } = this.ctx;
    const { telescope, filterWheel, camera } = this.devices;
    const images: number[] = [];
    const safety = this.everyClock(this.ctx.settings.observation_manager.safety_check_s * 1000, () =>
      this.safetyCheck(),
    );
    try {
      const request = requests.get(block.requestId);
      if (request === undefined) throw new Error(`request ${block.requestId} is not in the database`);
      this.assertWeather();
      await this.openDome(signal);
      this.log.info(
        `slewing to ${block.targetName} (${block.target.raDeg.toFixed(3)}, ${block.target.decDeg.toFixed(3)})`,
      );
      await telescope.slewTo(block.target, signal);
      const folder = join(this.ctx.settings.paths.images, nightDateAt(this.ctx.site, clock.now()));
      mkdirSync(folder, { recursive: true });
      for (const spec of request.exposures) {
        await filterWheel.setFilter(spec.filter, signal);
        for (let i = 1; i <= spec.count; i++) {
          this.assertWeather();
          const frame = await camera.expose(
            {
              exposureS: spec.exposureS,
              target: telescope.pointing(),
              filter: spec.filter,
              objectName: block.targetName,
            },
            signal,
          );
          const name = `${observationId}-${safeName(block.targetName)}-${spec.filter}-${i}.fits`;
          const path = join(folder, name);
          await writeFits(path, frame, frame.header);
          const imageId = observations.addImage({
            observationId,
            path,
            object: block.targetName,
            filter: spec.filter,
            exposureS: spec.exposureS,
            dateObs: frame.header.dateObs,
            target: frame.header.target,
          });
          images.push(imageId);
          void this.notify(Agent.ANALYZER, Msg.NEW_IMAGE, { imageId });
        }
      }
      const now = clock.now();
      observations.end(observationId, 'done', now);
      requests.setState(block.requestId, 'done', now);
      // Free before telling anyone: the majordome's next "Start observation" may come at once.
      this.#release(observationId);
      this.log.info(
        `observation ${observationId} of ${block.targetName} finished: ${images.length} image(s)`,
      );
      await this.notify([Agent.SCHEDULER, Agent.MAJORDOME], Msg.OBS_FINISHED, {
        observationId,
        requestId: block.requestId,
        blockId: block.id,
        images,
      });
    } catch (err) {
      const aborted = signal.aborted;
      const reason = aborted ? String((signal.reason as Error).message) : (err as Error).message;
      const now = clock.now();
      observations.end(observationId, aborted ? 'aborted' : 'failed', now, reason);
      const failures = observations
        .all()
        .filter((o) => o.requestId === block.requestId && o.state === 'failed').length;
      const giveUp = !aborted && failures >= MAX_FAILURES;
      requests.setState(block.requestId, giveUp ? 'failed' : 'pending', now, reason, ['observing']);
      this.#release(observationId);
      this.log.warn(
        `observation ${observationId} of ${block.targetName} ${aborted ? 'aborted' : 'failed'}: ${reason}`,
      );
      await this.notify([Agent.SCHEDULER, Agent.MAJORDOME], Msg.OBS_FAILED, {
        observationId,
        requestId: block.requestId,
        blockId: block.id,
        reason,
        aborted,
      });
    } finally {
      safety();
    }
  }

  /**
   * Opens the dome, first letting a closing finish. The opening itself is not aborted by a
   * preemption (the dome would close again, and the alert needs it open): the abort takes effect
   * once the dome is open.
   */
  private async openDome(signal: AbortSignal): Promise<void> {
    const { dome } = this.devices;
    if (dome.state() === 'closing') await dome.close();
    if (dome.state() !== 'open') await dome.open();
    signal.throwIfAborted();
  }

  /** Refuses to expose in bad weather (what the safety check also watches for). */
  private assertWeather(): void {
    const reading = this.devices.weather.read();
    if (reading.rainMmPerH > 0) throw new Error(`weather: rain ${reading.rainMmPerH.toFixed(1)} mm/h`);
  }

  private async safetyCheck(): Promise<void> {
    const reading = this.devices.weather.read();
    if (reading.rainMmPerH <= 0) return;
    const bad = `rain ${reading.rainMmPerH.toFixed(1)} mm/h`;
    this.log.warn(`safety: ${bad} during the observation: stopping and closing the dome`);
    await this.abort(`safety: ${bad}`);
    await this.devices.dome.close();
  }

  protected override async shutdown(): Promise<void> {
    await this.abort('agent shutting down');
    await super.shutdown();
  }
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40);
}

export default defineApp({
  name: Agent.OBSERVATION_MANAGER,
  async ready() {
    await new ObservationManagerAgent().start();
  },
});
