/**
 * A typed listener list: what a device emits and what each event carries. A listener that throws
 * is reported as a process warning and does not stop the device or the other listeners, because a
 * device's state must not depend on who watches it.
 */
export class DeviceEvents<M extends object> {
  readonly #listeners = new Map<keyof M, Set<(event: never) => void>>();

  /** Calls `listener` on each `event`; returns a function that removes it. */
  on<E extends keyof M>(event: E, listener: (payload: M[E]) => void): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    const entry = listener as (event: never) => void;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /** Calls every listener of `event`, in the order they were added. */
  emit<E extends keyof M>(event: E, payload: M[E]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as (p: M[E]) => void)(payload);
      } catch (err) {
        process.emitWarning(`listener of "${String(event)}" threw: ${(err as Error).message}`);
      }
    }
  }
}
