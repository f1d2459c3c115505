import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent } from '../../agent/agent.js';
import { loadAgentConfig } from '../../config/agent-config.js';
import { defineApp } from '../../host/app.js';
import { AGENTS } from '../contracts/agents.js';
import { Msg } from '../messages.js';
import type { ObservatoryContext } from '../observatory-context.js';
import type { Safety } from '../safety/safety-rule.js';
import type { SafetyWatch } from '../safety/safety-watch.js';
import type { PlannedBlock } from '../scheduler/request.js';
import { OBSERVATIONS_SQL, ObservationsRepo } from '../store/observations-repo.js';
import { runObservation } from './observation-run.js';
import { ObservatoryAgent } from './observatory-agent.js';
import { disconnectDevices, type ObservatoryDevices, observatoryDevices } from './observatory-devices.js';

interface Current {
  readonly observationId: number;
  readonly block: PlannedBlock;
  readonly controller: AbortController;
  /** Resolves once the observation has ended and its end is recorded. */
  readonly ended: Promise<void>;
}

/** The reason an observation stopped early, kept on the abort signal. */
class Aborted extends Error {}

/**
 * Owns the observations, the images and the devices. Runs each block it is given (open the dome,
 * slew, each filter's exposures), writes every image as a FITS file in its own data folder and
 * records it, and tells the scheduler, the majordome and the analyzer through its outbox. It is
 * the interlock: it applies the safety rule itself before opening, before each exposure and every
 * `safety_check_s` while anything is open or moving, whatever anyone says; unsafe, it stops,
 * closes the dome and parks the telescope. So does its SHUTDOWN. Its images are read by others
 * with `Image data`, never from its disk.
 */
export class ObservationManagerAgent extends ObservatoryAgent {
  #devices: ObservatoryDevices | undefined;
  #current: Current | undefined;
  readonly #observations: ObservationsRepo;
  readonly #safety: SafetyWatch;
  /** The last reason the interlock closed for, so that it is said once. */
  #protectedFor: string | undefined;
  /** The interlock's closing and parking, while it runs. */
  #closing: Promise<unknown> | undefined;

  constructor(ctx?: ObservatoryContext, devices?: ObservatoryDevices) {
    super(Agent.OBSERVATION_MANAGER, { version: 1, sql: OBSERVATIONS_SQL }, ctx);
    this.#devices = devices;
    this.#observations = new ObservationsRepo(this.store.db);
    this.#safety = this.watchWeather((safety) => (safety.safe ? undefined : this.#protect(safety)));
    this.onMessage(Msg.START_OBSERVATION, ({ block }) => this.startObservation(block));
    this.onMessage(Msg.ABORT_OBSERVATION, ({ reason }) => this.abort(reason));
    this.onMessage(Msg.CLOSE_DOME, ({ reason, park }) => this.closeDome(reason, park));
    this.onMessage(Msg.DEVICES, () => {
      const devices = this.devices;
      const { telescope, dome, filterWheel, focuser } = devices;
      const c = this.#current;
      return {
        telescope: { status: telescope.status(), pointing: telescope.pointing() },
        dome: dome.state(),
        filter: filterWheel.filter(),
        focuser: focuser.position(),
        links: Object.values(devices).map((d) => ({ name: d.name, ...d.link() })),
        observing: c === undefined ? null : { observationId: c.observationId, block: c.block },
        safety: this.#assess(),
      };
    });
    this.onMessage(Msg.OBSERVATIONS, ({ limit, state, fromId }) => ({
      observations: this.#observations.latest(limit, state, fromId),
    }));
    this.onMessage(Msg.IMAGES, ({ limit, ids }) => ({
      images:
        ids === undefined
          ? this.#observations.images(limit)
          : ids.flatMap((id) => this.#observations.image(id) ?? []),
    }));
    this.onMessage(Msg.IMAGE_DATA, (p) => this.#imageData(p.imageId, p.offset, p.length));
  }

  /** The devices (built by work(), before any message is handled). */
  get devices(): ObservatoryDevices {
    if (this.#devices === undefined) throw new Error('devices not ready: the agent has not started');
    return this.#devices;
  }

  protected override async work(): Promise<void> {
    this.#devices ??= await observatoryDevices(this.ctx, this.log);
    this.#recoverInterrupted();
    await this.refreshVerdict();
    await this.#check();
    this.every(this.ctx.settings.observation_manager.safety_check_s * 1000, () => this.#check());
  }

  /** Observations a killed host left running: ended as aborted, and said so to their owners. */
  #recoverInterrupted(): void {
    const now = this.ctx.clock.now();
    for (const o of this.#observations.inState('running')) {
      const reason = 'interrupted: the observation manager stopped during the observation';
      this.store.transaction(() => {
        this.#observations.end(o.id, 'aborted', now, reason);
        this.post(Msg.OBS_FAILED, {
          observationId: o.id,
          requestId: o.requestId,
          blockId: o.blockId,
          time: now,
          reason,
          aborted: true,
        });
      });
      this.log.warn(
        `observation ${o.id} (${o.targetName}) was interrupted by a restart; its request is planned again`,
      );
    }
  }

  /** The safety rule, with the devices: one that does not answer is unsafe. */
  #assess(): Safety {
    const d = this.#devices;
    return this.#safety.assess(this.ctx.clock.now(), d === undefined ? [] : Object.values(d));
  }

  /** The interlock, at every safety check: unsafe with anything open or moving → stop, close, park. */
  async #check(): Promise<void> {
    const safety = this.#assess();
    if (safety.safe) {
      this.#protectedFor = undefined;
      return;
    }
    await this.#protect(safety);
  }

  /**
   * Stops, closes and parks, in the background: a real dome and mount take tens of seconds, and
   * the mailbox must go on answering meanwhile (a Start observation is refused while it runs).
   */
  async #protect(safety: Safety): Promise<void> {
    const { dome, telescope } = this.devices;
    const busy = this.#current !== undefined || dome.state() !== 'closed' || telescope.status() !== 'parked';
    if (!busy || this.#closing !== undefined) return;
    if (this.#protectedFor !== safety.reason) {
      this.#protectedFor = safety.reason;
      this.log.warn(`interlock: ${safety.reason}: stopping, closing the dome and parking`);
    }
    this.#closing = this.closeDome(`unsafe: ${safety.reason}`, true)
      .catch((err: Error) => this.log.warn(`interlock: closing and parking failed: ${err.message}`))
      .finally(() => {
        this.#closing = undefined;
      });
  }

  /** Starts the block's observation in the background; replies with its id at once. Refused when unsafe. */
  startObservation(block: PlannedBlock): { observationId: number } {
    if (this.#current !== undefined) {
      throw new Error(
        `busy with observation ${this.#current.observationId} (${this.#current.block.targetName})`,
      );
    }
    const safety = this.#assess();
    if (!safety.safe) throw new Error(`refused: unsafe (${safety.reason})`);
    if (this.#closing !== undefined)
      throw new Error('refused: the interlock is closing the dome and parking');
    const now = this.ctx.clock.now();
    const observationId = this.store.transaction(() => {
      const id = this.#observations.start({
        requestId: block.requestId,
        blockId: block.id,
        targetName: block.targetName,
        startedAt: now,
      });
      this.post(Msg.OBS_STARTED, {
        observationId: id,
        requestId: block.requestId,
        blockId: block.id,
        time: now,
      });
      return id;
    });
    const controller = new AbortController();
    // Run from the next microtask, once #current is set: a run that failed synchronously (the rule
    // turning unsafe between the check above and its own) would otherwise end, and clear #current,
    // before #current was set, leaving a stale observation that makes every later start "busy".
    const ended = Promise.resolve().then(() => this.#observe(block, observationId, controller.signal));
    this.#current = { observationId, block, controller, ended };
    return { observationId };
  }

  async #observe(block: PlannedBlock, observationId: number, signal: AbortSignal): Promise<void> {
    const ids = { observationId, requestId: block.requestId, blockId: block.id };
    const analyzer = loadAgentConfig().names().includes(AGENTS.analyzer);
    try {
      const images = await runObservation(
        {
          ctx: this.ctx,
          devices: this.devices,
          observations: this.#observations,
          imagesDir: join(this.dataDir, 'images'),
          log: this.log,
          assertSafe: () => {
            const safety = this.#assess();
            if (!safety.safe) throw new Error(`unsafe: ${safety.reason}`);
          },
          imageRecorded: (imageId, { object, filter, dateObs }) => {
            // The contract's fields only: the outbox keeps the payload as posted, and the image's
            // path on this agent's disk is no one else's business.
            if (analyzer) this.post(Msg.NEW_IMAGE, { imageId, observationId, object, filter, dateObs });
          },
          transaction: (fn) => this.store.transaction(fn),
        },
        block,
        observationId,
        signal,
      );
      const now = this.ctx.clock.now();
      this.store.transaction(() => {
        this.#observations.end(observationId, 'done', now);
        this.post(Msg.OBS_FINISHED, { ...ids, time: now, images: images.length });
      });
      this.log.info(
        `observation ${observationId} of ${block.targetName} finished: ${images.length} image(s)`,
      );
    } catch (err) {
      const aborted = signal.aborted;
      const reason = aborted ? String((signal.reason as Error).message) : (err as Error).message;
      const now = this.ctx.clock.now();
      this.store.transaction(() => {
        this.#observations.end(observationId, aborted ? 'aborted' : 'failed', now, reason);
        this.post(Msg.OBS_FAILED, { ...ids, time: now, reason, aborted });
      });
      this.log.warn(
        `observation ${observationId} of ${block.targetName} ${aborted ? 'aborted' : 'failed'}: ${reason}`,
      );
    } finally {
      // Free before anyone hears of the end: the majordome's next "Start observation" may come at once.
      if (this.#current?.observationId === observationId) this.#current = undefined;
    }
  }

  /** Stops the running observation (if any) and waits until it has ended and is recorded. */
  async abort(reason: string): Promise<{ aborted: number | null }> {
    const current = this.#current;
    if (current === undefined) return { aborted: null };
    current.controller.abort(new Aborted(reason));
    await current.ended;
    return { aborted: current.observationId };
  }

  /** Stops what runs, closes the dome, and parks the telescope when `park`. */
  async closeDome(reason: string, park: boolean) {
    const { dome, telescope } = this.devices;
    // The dome starts closing with the abort, not once the run has ended: a run waiting for its
    // dome to open would otherwise open it fully first (in the rain, when the interlock closes).
    // Closing interrupts the opening, and the run ends as aborted.
    const [aborted] = await Promise.all([
      this.abort(reason).then(async ({ aborted }) => {
        if (park && telescope.status() !== 'parked') await telescope.park();
        return aborted;
      }),
      dome.close(),
    ]);
    return { aborted, dome: dome.state(), telescope: telescope.status() };
  }

  async #imageData(imageId: number, offset: number, length: number) {
    const image = this.#observations.image(imageId);
    if (image === undefined) throw new Error(`no image ${imageId}`);
    const file = await open(image.path, 'r');
    try {
      const size = (await file.stat()).size;
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
      return { imageId, size, offset, data: buffer.subarray(0, bytesRead).toString('base64') };
    } finally {
      await file.close();
    }
  }

  /** SHUTDOWN: stop, close, park, then close the store. */
  protected override async shutdown(): Promise<void> {
    const devices = this.#devices;
    if (devices !== undefined) {
      await this.#closing;
      await this.closeDome('agent shutting down', true).catch((err: Error) =>
        this.log.warn(`at shutdown, closing and parking failed: ${err.message}`),
      );
      await disconnectDevices(devices);
    }
    await super.shutdown();
  }
}

export default defineApp({
  name: Agent.OBSERVATION_MANAGER,
  async ready() {
    await new ObservationManagerAgent().start();
  },
});
