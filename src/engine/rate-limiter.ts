/**
 * Client-side provider limits, so a batch stays under a provider's limits instead
 * of bouncing off 429s: concurrent requests, and token buckets for requests/min,
 * input tokens/min and output tokens/min (p-queue's interval cap counts requests
 * only). A call reserves its estimated tokens before it starts (input from the
 * prompt's size, output from its max tokens); the reservation is corrected by the
 * usage the provider reports. Waiters are served in arrival order.
 *
 * A bucket refills continuously at its per-minute rate and holds, by default, a
 * full minute's worth: after idling, that many calls may start at once, as the
 * providers' own token buckets allow. Both providers also say they may enforce a
 * per-minute limit over shorter intervals (600/min as 10/s); against such a
 * provider a full minute's burst draws 429s, so `burst` caps the requests that
 * may start back to back (the request bucket's size) to what the provider takes.
 * Time is `performance.now()`: monotonic (a wall-clock step cannot refill or drain
 * a bucket) and finer than a millisecond, so pacing at the exact rate does not
 * run ahead of a provider counting the same way.
 */
import type {
  CallOptions,
  GenerateResult,
  LanguageModel,
  ModelProvider,
  StreamPart,
} from '../provider/spec.js';

export interface ProviderLimits {
  concurrency?: number;
  requestsPerMinute?: number;
  /** Requests that may start back to back after idling; default `requestsPerMinute`. */
  burst?: number;
  inputTokensPerMinute?: number;
  outputTokensPerMinute?: number;
}

export interface TokenEstimate {
  inputTokens: number;
  outputTokens: number;
}

export interface RateLimiterClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const minute = 60_000;

class TokenBucket {
  private available: number;
  private updated: number;

  /** `perMinute` refills it; it holds at most `capacity` (a minute's worth unless capped). */
  constructor(
    private readonly perMinute: number,
    private readonly clock: RateLimiterClock,
    readonly capacity = perMinute,
  ) {
    this.available = capacity;
    this.updated = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.available = Math.min(
      this.capacity,
      this.available + ((now - this.updated) * this.perMinute) / minute,
    );
    this.updated = now;
  }

  /** Milliseconds until `amount` fits (0: now). A request larger than the bucket waits for a full one. */
  waitFor(amount: number): number {
    this.refill();
    const needed = Math.min(amount, this.capacity) - this.available;
    return needed <= 0 ? 0 : Math.ceil((needed * minute) / this.perMinute);
  }

  take(amount: number): void {
    this.refill();
    this.available -= amount;
  }

  /** Gives back (or takes more) when the real usage differs from the estimate. */
  adjust(delta: number): void {
    this.refill();
    this.available = Math.min(this.capacity, this.available - delta);
  }
}

export class ProviderRateLimiter {
  private readonly requests?: TokenBucket;
  private readonly input?: TokenBucket;
  private readonly output?: TokenBucket;
  private inFlight = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private turn: Promise<void> = Promise.resolve();

  constructor(
    readonly limits: ProviderLimits,
    private readonly clock: RateLimiterClock = systemClock,
  ) {
    if (limits.requestsPerMinute) {
      const burst = limits.burst ? Math.max(1, limits.burst) : limits.requestsPerMinute;
      this.requests = new TokenBucket(limits.requestsPerMinute, clock, burst);
    }
    if (limits.inputTokensPerMinute)
      this.input = new TokenBucket(limits.inputTokensPerMinute, clock);
    if (limits.outputTokensPerMinute)
      this.output = new TokenBucket(limits.outputTokensPerMinute, clock);
  }

  /** Waits for a slot and for room in every bucket; returns the release for the real usage. */
  async acquire(
    estimate: TokenEstimate,
    signal?: AbortSignal,
  ): Promise<(usage?: Partial<TokenEstimate>) => void> {
    const mine = this.turn.then(() => this.reserve(estimate, signal));
    // The next caller waits for this one's reservation, not for its call: arrival order.
    this.turn = mine.then(
      () => undefined,
      () => undefined,
    );
    await mine;
    let released = false;
    return (usage) => {
      if (released) return;
      released = true;
      if (usage?.inputTokens !== undefined)
        this.input?.adjust(usage.inputTokens - estimate.inputTokens);
      if (usage?.outputTokens !== undefined)
        this.output?.adjust(usage.outputTokens - estimate.outputTokens);
      this.inFlight--;
      this.slotWaiters.shift()?.();
    };
  }

  private waitForSlot(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      signal?.throwIfAborted();
      const waiter = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.slotWaiters.splice(this.slotWaiters.indexOf(waiter), 1);
        reject(signal?.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.slotWaiters.push(waiter);
    });
  }

  private async reserve(estimate: TokenEstimate, signal?: AbortSignal): Promise<void> {
    const concurrency = this.limits.concurrency;
    while (concurrency !== undefined && this.inFlight >= concurrency)
      await this.waitForSlot(signal);
    this.inFlight++;
    for (;;) {
      const wait = Math.max(
        this.requests?.waitFor(1) ?? 0,
        this.input?.waitFor(estimate.inputTokens) ?? 0,
        this.output?.waitFor(estimate.outputTokens) ?? 0,
      );
      if (wait === 0) break;
      try {
        signal?.throwIfAborted();
        await this.clock.sleep(wait, signal);
      } catch (error) {
        this.inFlight--;
        this.slotWaiters.shift()?.();
        throw error;
      }
    }
    this.requests?.take(1);
    this.input?.take(estimate.inputTokens);
    this.output?.take(estimate.outputTokens);
  }
}

export const systemClock: RateLimiterClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason ?? new Error('aborted'));
        return;
      }
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(signal.reason ?? new Error('aborted'));
        },
        { once: true },
      );
    }),
};

/** A rough token count of a call's input: four characters a token. */
export function estimateTokens(call: CallOptions): TokenEstimate {
  let characters = call.system?.length ?? 0;
  for (const message of call.messages) characters += JSON.stringify(message.content).length;
  for (const tool of call.tools ?? []) characters += JSON.stringify(tool).length;
  return { inputTokens: Math.ceil(characters / 4), outputTokens: call.maxOutputTokens ?? 1024 };
}

/** A LanguageModel whose calls go through the provider's limiter. */
export function withRateLimit(model: LanguageModel, limiter: ProviderRateLimiter): LanguageModel {
  return {
    specificationVersion: 'v1',
    provider: model.provider,
    modelId: model.modelId,
    async doGenerate(call): Promise<GenerateResult> {
      const release = await limiter.acquire(estimateTokens(call), call.abortSignal);
      try {
        const result = await model.doGenerate(call);
        release(actual(result));
        return result;
      } finally {
        release();
      }
    },
    async *doStream(call): AsyncIterable<StreamPart> {
      const release = await limiter.acquire(estimateTokens(call), call.abortSignal);
      try {
        for await (const part of model.doStream(call)) {
          if (part.type === 'finish') release(actual(part.result));
          yield part;
        }
      } finally {
        release();
      }
    },
  };
}

function actual(result: GenerateResult): Partial<TokenEstimate> {
  return {
    ...(result.usage.inputTokens !== undefined ? { inputTokens: result.usage.inputTokens } : {}),
    ...(result.usage.outputTokens !== undefined ? { outputTokens: result.usage.outputTokens } : {}),
  };
}

/** A provider whose every model shares one limiter: the provider's limits hold across subtasks and runs. */
export function withProviderLimits(
  provider: ModelProvider,
  limits: ProviderLimits,
  clock?: RateLimiterClock,
): ModelProvider {
  const limiter = new ProviderRateLimiter(limits, clock);
  return {
    specificationVersion: 'v1',
    id: provider.id,
    languageModel: (target) => withRateLimit(provider.languageModel(target), limiter),
    ...(provider.checkConfiguration
      ? { checkConfiguration: () => provider.checkConfiguration?.() ?? { ok: true } }
      : {}),
  };
}
