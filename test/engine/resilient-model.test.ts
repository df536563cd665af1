import { describe, expect, it } from 'vitest';
import { withResilience } from '../../src/engine/resilient-model.js';
import {
  defaultRetryPolicy,
  type RetryPolicy,
  seededRandom,
} from '../../src/engine/retry-policy.js';
import { ProviderCallError } from '../../src/provider/errors.js';
import type {
  CallOptions,
  GenerateResult,
  LanguageModel,
  StreamPart,
} from '../../src/provider/spec.js';

const ok: GenerateResult = {
  content: [{ type: 'text', text: 'fine' }],
  finishReason: { unified: 'stop', raw: 'end_turn' },
  usage: { inputTokens: 1, outputTokens: 1 },
  warnings: [],
  response: {},
};

const failure = (
  statusCode: number,
  options: { retryable?: boolean; retryAfterMs?: number } = {},
) =>
  new ProviderCallError({
    provider: 'anthropic',
    modelId: 'm',
    message: `HTTP ${statusCode}`,
    statusCode,
    isRetryable: options.retryable ?? true,
    ...(options.retryAfterMs !== undefined ? { retryAfterMs: options.retryAfterMs } : {}),
  });

/** A model that answers each call from a script of results, errors or 'hang' (until aborted). */
function scripted(script: Array<GenerateResult | Error | 'hang'>) {
  const calls: CallOptions[] = [];
  const answer = (call: CallOptions): Promise<GenerateResult> => {
    calls.push(call);
    const next = script.shift() ?? ok;
    if (next === 'hang') {
      return new Promise((_, reject) =>
        call.abortSignal?.addEventListener('abort', () =>
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
        ),
      );
    }
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  const model: LanguageModel = {
    specificationVersion: 'v1',
    provider: 'anthropic',
    modelId: 'm',
    doGenerate: answer,
    async *doStream(call): AsyncIterable<StreamPart> {
      const result = await answer(call);
      yield { type: 'text-delta', delta: 'fine' };
      yield { type: 'finish', result };
    },
  };
  return { model, calls };
}

function resilient(model: LanguageModel, policy: Partial<RetryPolicy> = {}, stream = false) {
  const sleeps: number[] = [];
  const notices: unknown[] = [];
  const wrapped = withResilience(model, {
    policy: { ...defaultRetryPolicy, ...policy },
    random: seededRandom(7),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onRetry: (notice) => {
      notices.push(notice);
    },
    stream,
  });
  return { wrapped, sleeps, notices };
}

const call: CallOptions = { messages: [], callLabel: { run: 'r', subtask: 2, turn: 1 } };

describe('withResilience', () => {
  it('retries retryable errors with jittered exponential backoff, then succeeds', async () => {
    const { model, calls } = scripted([failure(500), failure(529), ok]);
    const { wrapped, sleeps, notices } = resilient(model);
    expect(await wrapped.doGenerate(call)).toEqual(ok);
    expect(calls).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeLessThanOrEqual(1_000);
    expect(sleeps[1]).toBeLessThanOrEqual(2_000);
    expect(notices).toEqual([
      expect.objectContaining({ turn: 1, attempt: 1, statusCode: 500, reason: 'HTTP 500' }),
      expect.objectContaining({ turn: 1, attempt: 2, statusCode: 529 }),
    ]);
  });

  it('waits what retry-after asks when it is under the cap', async () => {
    const { model } = scripted([failure(429, { retryAfterMs: 2_500 }), ok]);
    const { wrapped, sleeps } = resilient(model);
    await wrapped.doGenerate(call);
    expect(sleeps).toEqual([2_500]);
  });

  it('fails at once, naming the cap, when retry-after is longer than the cap', async () => {
    const { model, calls } = scripted([failure(429, { retryAfterMs: 3_600_000 }), ok]);
    const { wrapped, sleeps } = resilient(model, { maxRetryAfterMs: 60_000 });
    await expect(wrapped.doGenerate(call)).rejects.toThrow(
      'anthropic asked to wait 3600 s before retrying, more than the 60 s cap (--max-retry-wait): HTTP 429',
    );
    expect(calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('does not retry an error that is not retryable (a spend limit)', async () => {
    const { model, calls } = scripted([failure(429, { retryable: false }), ok]);
    const { wrapped } = resilient(model);
    await expect(wrapped.doGenerate(call)).rejects.toThrow('HTTP 429');
    expect(calls).toHaveLength(1);
  });

  it('gives up after the configured attempts and says so', async () => {
    const { model, calls } = scripted([failure(500), failure(500), failure(500)]);
    const { wrapped } = resilient(model, { maxAttempts: 3 });
    await expect(wrapped.doGenerate(call)).rejects.toThrow('HTTP 500 (gave up after 3 attempts)');
    expect(calls).toHaveLength(3);
  });

  it('aborts a call that outlives the timeout and retries it as retryable', async () => {
    const { model, calls } = scripted(['hang', ok]);
    const { wrapped, notices } = resilient(model, { timeoutMs: 20 });
    expect(await wrapped.doGenerate(call)).toEqual(ok);
    expect(calls).toHaveLength(2);
    expect(notices).toEqual([
      expect.objectContaining({ reason: 'anthropic/m did not answer within 20 ms' }),
    ]);
  });

  it("passes the caller's abort through without retrying", async () => {
    const { model, calls } = scripted(['hang', ok]);
    const { wrapped } = resilient(model);
    const controller = new AbortController();
    const pending = wrapped.doGenerate({ ...call, abortSignal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toHaveLength(1);
  });

  it('calls through the streaming API when asked, with the same result', async () => {
    const { model } = scripted([failure(503), ok]);
    let streamed = 0;
    const counting: LanguageModel = {
      ...model,
      doStream: (options) => {
        streamed++;
        return model.doStream(options);
      },
    };
    const { wrapped } = resilient(counting, {}, true);
    expect(await wrapped.doGenerate(call)).toEqual(ok);
    expect(streamed).toBe(2);
  });
});
