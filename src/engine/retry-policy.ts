/**
 * How the engine retries a model call. The engine owns retries (adapters run the
 * SDKs with maxRetries 0), so there is exactly one policy, reported in the run log.
 */

export interface RetryPolicy {
  /** Calls in all, the first included. */
  maxAttempts: number;
  /** Exponential backoff base and ceiling; the delay is drawn with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `retry-after` longer than this fails the call instead of sleeping that long. */
  maxRetryAfterMs: number;
  /** Per-call timeout: a call still running then is aborted and retried. */
  timeoutMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  timeoutMs: 180_000,
};

/** Full jitter: uniform in [0, min(ceiling, base·2^(attempt-1))]. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/** A small seeded generator (mulberry32), so a run with faults injected reproduces. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
