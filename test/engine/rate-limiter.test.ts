import { describe, expect, it } from 'vitest';
import { ProviderRateLimiter, type RateLimiterClock } from '../../src/engine/rate-limiter.js';

/** Virtual time: sleeping advances the clock at once, so limits are checked without waiting. */
function virtualClock(): RateLimiterClock & { time: number } {
  const clock = {
    time: 0,
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.time += ms;
    },
  };
  return clock;
}

const small = { inputTokens: 10, outputTokens: 10 };

describe('ProviderRateLimiter', () => {
  it('holds requests/min after the initial burst, as the provider token bucket does', async () => {
    const clock = virtualClock();
    const limiter = new ProviderRateLimiter({ requestsPerMinute: 60 }, clock);
    const starts: number[] = [];
    for (let i = 0; i < 150; i++) {
      const release = await limiter.acquire(small);
      starts.push(clock.now());
      release();
    }
    // A full bucket allows a burst of 60; after it, one request a second.
    expect(starts.slice(0, 60).every((start) => start === 0)).toBe(true);
    for (let i = 60; i + 60 < starts.length; i++) {
      expect((starts[i + 60] as number) - (starts[i] as number)).toBeGreaterThanOrEqual(59_000);
    }
    // The burst allowance is used, then the rate: close to the limit, not far below it.
    expect(starts.at(-1)).toBeLessThanOrEqual(91_000);
  });

  it('starts at most `burst` requests back to back, then holds the rate', async () => {
    const clock = virtualClock();
    const limiter = new ProviderRateLimiter({ requestsPerMinute: 600, burst: 5 }, clock);
    const starts: number[] = [];
    for (let i = 0; i < 100; i++) {
      const release = await limiter.acquire(small);
      starts.push(clock.now());
      release();
    }
    expect(starts.slice(0, 5).every((start) => start === 0)).toBe(true);
    // 600/min is one request every 100 ms, and no faster in any stretch after the burst.
    for (let i = 5; i < starts.length; i++) {
      expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(99.999);
    }
    // At the limit, not below it: 95 requests after the burst in 9.5 s.
    expect(starts.at(-1)).toBeLessThanOrEqual(9_501);
  });

  it('reserves estimated input tokens and gives back what the usage shows was not used', async () => {
    const clock = virtualClock();
    const limiter = new ProviderRateLimiter({ inputTokensPerMinute: 10_000 }, clock);
    for (let i = 0; i < 10; i++)
      (await limiter.acquire({ inputTokens: 1_000, outputTokens: 0 }))({ inputTokens: 100 });
    // Nine tenths of each reservation came back: the next calls start at once.
    const before = clock.now();
    for (let i = 0; i < 5; i++) (await limiter.acquire({ inputTokens: 1_000, outputTokens: 0 }))();
    expect(clock.now()).toBe(before);
  });

  it('waits for output-token room when calls reserve their max tokens', async () => {
    const clock = virtualClock();
    const limiter = new ProviderRateLimiter({ outputTokensPerMinute: 4_000 }, clock);
    for (let i = 0; i < 4; i++) (await limiter.acquire({ inputTokens: 0, outputTokens: 1_000 }))();
    (await limiter.acquire({ inputTokens: 0, outputTokens: 1_000 }))();
    expect(clock.now()).toBeGreaterThanOrEqual(15_000);
  });

  it('caps concurrent calls and serves waiters in arrival order', async () => {
    const limiter = new ProviderRateLimiter({ concurrency: 2 }, virtualClock());
    const first = await limiter.acquire(small);
    const second = await limiter.acquire(small);
    const order: number[] = [];
    const third = limiter.acquire(small).then((release) => {
      order.push(3);
      return release;
    });
    const fourth = limiter.acquire(small).then((release) => {
      order.push(4);
      return release;
    });
    await Promise.resolve();
    expect(order).toEqual([]);
    first();
    (await third)();
    second();
    (await fourth)();
    expect(order).toEqual([3, 4]);
  });

  it('lets a call waiting for a slot be aborted without losing the slot', async () => {
    const limiter = new ProviderRateLimiter({ concurrency: 1 }, virtualClock());
    const holding = await limiter.acquire(small);
    const controller = new AbortController();
    const waiting = limiter.acquire(small, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    holding();
    // The aborted waiter did not keep the slot: the next call gets it at once.
    const next = await limiter.acquire(small);
    next();
  });
});
