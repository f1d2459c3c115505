import type { Clock } from '../clock/clock.js';
import { ALWAYS_UP, type DeviceLink } from './device.js';
import { DeviceError } from './device-error.js';
import type { FilterWheel, FilterWheelStatus } from './filter-wheel.js';

/** How a simulated filter wheel behaves. */
export interface FilterWheelSimOptions {
  readonly clock: Clock;
  /** Default `filter-wheel`. */
  readonly name?: string;
  /** Default L, R, V, B, Clear; the first is in the beam at start. */
  readonly filters?: readonly string[];
  /** Time of one change, whatever the slots, seconds of observatory time (default 3). */
  readonly changeS?: number;
}

/** A simulated filter wheel: every change takes the same time. */
export class FilterWheelSim implements FilterWheel {
  readonly name: string;
  readonly #clock: Clock;
  readonly #filters: readonly string[];
  readonly #changeMs: number;
  #filter: string;
  #change: AbortController | undefined;

  constructor(options: FilterWheelSimOptions) {
    this.name = options.name ?? 'filter-wheel';
    this.#clock = options.clock;
    this.#filters = [...(options.filters ?? ['L', 'R', 'V', 'B', 'Clear'])];
    this.#changeMs = (options.changeS ?? 3) * 1000;
    const first = this.#filters[0];
    if (first === undefined) throw new DeviceError(this.name, 'needs at least one filter');
    if (new Set(this.#filters).size !== this.#filters.length) {
      throw new DeviceError(this.name, `filter names repeat: ${this.#filters.join(', ')}`);
    }
    if (!(this.#changeMs >= 0) || !Number.isFinite(this.#changeMs)) {
      throw new DeviceError(this.name, `change time must be >= 0 s, got ${options.changeS}`);
    }
    this.#filter = first;
  }

  link(): DeviceLink {
    return ALWAYS_UP;
  }

  async disconnect(): Promise<void> {}

  filters(): readonly string[] {
    return this.#filters;
  }

  filter(): string {
    return this.#filter;
  }

  status(): FilterWheelStatus {
    return this.#change === undefined ? 'idle' : 'moving';
  }

  async setFilter(filter: string, signal?: AbortSignal): Promise<void> {
    if (!this.#filters.includes(filter)) {
      throw new DeviceError(this.name, `unknown filter "${filter}" (it holds ${this.#filters.join(', ')})`);
    }
    signal?.throwIfAborted();
    this.#change?.abort(new DeviceError(this.name, `change replaced by a change to ${filter}`));
    this.#change = undefined;
    if (filter === this.#filter) return;
    const change = new AbortController();
    this.#change = change;
    const onAbort = (): void => change.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.#clock.sleep(this.#changeMs, change.signal);
      this.#filter = filter;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (this.#change === change) this.#change = undefined;
    }
  }
}
