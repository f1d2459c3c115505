/**
 * Seeded pseudo-random numbers: the simulators' noise, star fields and weather jitter must be the
 * same in every thread and every run given the same inputs, so nothing here uses Math.random().
 */

/** A 32-bit hash of a list of numbers (any finite values; their float64 bits are hashed). */
export function hashNumbers(...values: readonly number[]): number {
  const view = new DataView(new ArrayBuffer(8));
  let h = 0x811c9dc5;
  for (const v of values) {
    view.setFloat64(0, v);
    for (const word of [view.getUint32(0), view.getUint32(4)]) {
      h = Math.imul(h ^ word, 0x01000193);
      h ^= h >>> 15;
      h = Math.imul(h, 0x2c1b3c6d);
      h ^= h >>> 12;
    }
  }
  return h >>> 0;
}

/** A generator of uniform numbers in [0, 1) seeded by a 32-bit integer (mulberry32). */
export function uniformRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generator of standard normal numbers (Box–Muller, both values of each pair used). */
export function normalRandom(uniform: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - uniform(); // (0, 1]: log never sees 0
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

/** A Poisson-distributed count of mean `mean` (Knuth's product method; for the small means of star counts). */
export function poissonCount(mean: number, uniform: () => number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = uniform();
  while (p > limit) {
    k += 1;
    p *= uniform();
  }
  return k;
}
