// @ts-check
/** Small helpers for timing and summarising runs. */

/** @param {number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Times `work` once, in milliseconds.
 * @param {() => Promise<unknown>} work
 */
export async function timeOnce(work) {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * Runs every variant `warmup` times, then `iterations` rounds in which each
 * variant runs once, in an order that rotates each round, so drift (JIT, GC,
 * disk cache) falls on all variants alike. Returns the median ms per variant.
 * @template {string} K
 * @param {Record<K, () => Promise<unknown>>} variants
 * @param {{ warmup: number, iterations: number }} rounds
 * @returns {Promise<Record<K, { median: number, samples: number[] }>>}
 */
export async function interleaved(variants, { warmup, iterations }) {
  const names = /** @type {K[]} */ (Object.keys(variants));
  for (let round = 0; round < warmup; round += 1) {
    for (const name of names) await variants[name]();
  }
  /** @type {Record<string, number[]>} */
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < iterations; round += 1) {
    for (let offset = 0; offset < names.length; offset += 1) {
      const name = /** @type {K} */ (names[(round + offset) % names.length]);
      samples[name]?.push(await timeOnce(variants[name]));
    }
  }
  return /** @type {Record<K, { median: number, samples: number[] }>} */ (
    Object.fromEntries(
      names.map((name) => [name, { median: median(samples[name] ?? []), samples: samples[name] }]),
    )
  );
}

/**
 * @param {number} value
 * @param {number} [digits]
 */
export function fixed(value, digits = 2) {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}
