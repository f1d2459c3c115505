// The client's picture of one server's properties: vectors by device and name, each stamped
// with when it was last defined and updated. Vectors are immutable; an update replaces one.
import type { IndiVectorUpdate } from './indi-messages.js';
import type { IndiElement, IndiLimits, IndiState, IndiVector, IndiVectorDefinition } from './indi-types.js';

/** What applying a message did: the new vector, or why nothing changed. */
export type CacheResult =
  | { readonly ok: true; readonly vector: IndiVector; readonly previousState?: IndiState }
  | { readonly ok: false; readonly reason: string };

/** Vectors of the devices of one server, bounded by the limits. */
export class IndiCache {
  private readonly byDevice = new Map<string, Map<string, IndiVector>>();

  constructor(private readonly limits: Pick<IndiLimits, 'maxDevices' | 'maxVectorsPerDevice'>) {}

  /** Device names, in order of first definition. */
  devices(): string[] {
    return [...this.byDevice.keys()];
  }

  vector(device: string, name: string): IndiVector | undefined {
    return this.byDevice.get(device)?.get(name);
  }

  vectors(device: string): IndiVector[] {
    return [...(this.byDevice.get(device)?.values() ?? [])];
  }

  /** A def: a new vector, or the same one defined again (it then replaces the old wholly). */
  define(def: IndiVectorDefinition, now: number): CacheResult {
    let vectors = this.byDevice.get(def.device);
    if (vectors === undefined) {
      if (this.byDevice.size >= this.limits.maxDevices) {
        return {
          ok: false,
          reason: `device ${def.device} over the limit of ${this.limits.maxDevices} devices`,
        };
      }
      vectors = new Map();
      this.byDevice.set(def.device, vectors);
    }
    const previous = vectors.get(def.name);
    if (previous === undefined && vectors.size >= this.limits.maxVectorsPerDevice) {
      return {
        ok: false,
        reason: `${def.device}.${def.name} over the limit of ${this.limits.maxVectorsPerDevice} vectors a device`,
      };
    }
    const vector = { ...def, definedAt: now, updatedAt: now } as IndiVector;
    vectors.set(def.name, vector);
    return { ok: true, vector, ...(previous ? { previousState: previous.state } : {}) };
  }

  /**
   * A set: the values of the elements it names (others keep theirs; names the vector lacks are
   * ignored, as libindi ignores them). A set of an undefined vector, or of another type, is refused.
   */
  update(set: IndiVectorUpdate, now: number): CacheResult {
    const where = `${set.device}.${set.name}`;
    const old = this.vector(set.device, set.name);
    if (old === undefined) return { ok: false, reason: `set${set.type}Vector of undefined ${where} ignored` };
    if (old.type !== set.type) {
      return { ok: false, reason: `set${set.type}Vector of ${where}, a ${old.type} vector, ignored` };
    }
    const elements = new Map<string, IndiElement>(old.elements);
    for (const [name, value] of set.values as ReadonlyMap<string, unknown>) {
      const element = elements.get(name);
      if (element === undefined) continue;
      if (set.type === 'BLOB') {
        const blob = value as { format: string; size: number };
        elements.set(name, { ...element, format: blob.format, size: blob.size });
      } else {
        elements.set(name, { ...element, value } as IndiElement);
      }
    }
    // A vector's message is that of its last define/update: an update without one clears it.
    const { message: _previous, ...rest } = old;
    const vector = {
      ...rest,
      elements,
      state: set.state ?? old.state,
      ...(set.timeout !== undefined ? { timeout: set.timeout } : {}),
      ...(set.timestamp !== undefined ? { timestamp: set.timestamp } : {}),
      ...(set.message !== undefined ? { message: set.message } : {}),
      updatedAt: now,
    } as IndiVector;
    this.byDevice.get(set.device)?.set(set.name, vector);
    return { ok: true, vector, previousState: old.state };
  }

  /** A delProperty: one vector, or (without a name) the whole device. True if anything went. */
  delete(device: string, name?: string): boolean {
    const vectors = this.byDevice.get(device);
    if (vectors === undefined) return false;
    if (name === undefined) return this.byDevice.delete(device);
    const gone = vectors.delete(name);
    if (vectors.size === 0) this.byDevice.delete(device);
    return gone;
  }

  clear(): void {
    this.byDevice.clear();
  }
}
