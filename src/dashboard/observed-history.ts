import { AGENTS } from '../observatory/contracts/agents.js';
import { Msg } from '../observatory/messages.js';
import type { ObservationRecord } from '../observatory/store/observations-repo.js';
import { ask, type Up } from './owner-reads.js';

/** A shown night: local noon to local noon. */
interface NightSpan {
  readonly noon: number;
  readonly nextNoon: number;
}

/**
 * The night's observations (done, failed, aborted, running) as the timeline shows them, read
 * from their owner, the observation manager. An observation that has ended does not change
 * again, so the ended ones are kept here between polls and each poll asks only for the rest:
 * from the oldest one still running, or else from the newest one known (`fromId`). The owner
 * stays the only source: what is kept is a copy of what it said, dropped when the newest one
 * known comes back changed or not at all (the owner's store is not the one the copy came from).
 */
export class ObservedHistory {
  readonly #ended = new Map<number, ObservationRecord>();
  /** The lowest id worth asking for again: the oldest running one, or the newest known. */
  #fromId: number | undefined;
  #newest = 0;

  constructor(private readonly limit: number) {}

  /** The night's observations, oldest first; none when the owner does not answer. */
  async read(up: Up, night: NightSpan): Promise<ObservationRecord[]> {
    let fresh: readonly ObservationRecord[];
    try {
      ({ observations: fresh } = await ask(up, AGENTS.observationManager, Msg.OBSERVATIONS, {
        limit: this.limit,
        ...(this.#fromId === undefined ? {} : { fromId: this.#fromId }),
      }));
    } catch {
      return [];
    }
    if (this.#fromId !== undefined && !this.#consistent(fresh)) {
      this.#ended.clear();
      this.#fromId = undefined;
      this.#newest = 0;
      return this.read(up, night);
    }
    const running: ObservationRecord[] = [];
    for (const o of fresh) {
      if (o.state === 'running') running.push(o);
      else this.#ended.set(o.id, o);
    }
    for (const [id, o] of this.#ended) if (o.startedAt < night.noon) this.#ended.delete(id);
    this.#newest = Math.max(this.#newest, ...fresh.map((o) => o.id));
    if (this.#newest > 0) this.#fromId = Math.min(this.#newest, ...running.map((o) => o.id));
    const all = [...this.#ended.values(), ...running]
      .filter((o) => o.startedAt >= night.noon && o.startedAt < night.nextNoon)
      .sort((a, b) => a.id - b.id);
    return all.slice(-this.limit);
  }

  /** The reply holds the newest observation known, and nothing kept as ended comes back otherwise. */
  #consistent(fresh: readonly ObservationRecord[]): boolean {
    if (!fresh.some((o) => o.id === this.#newest)) return false;
    return fresh.every((o) => {
      const kept = this.#ended.get(o.id);
      return (
        kept === undefined ||
        (kept.startedAt === o.startedAt && kept.blockId === o.blockId && kept.state === o.state)
      );
    });
  }
}
