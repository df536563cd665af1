/**
 * withFallback: which failures move a call on to the next model (provider outages
 * once retries are spent, an open circuit, a spent budget, a fixture miss) and which
 * must stay loud (bad request, bad key, abort); that the switch sticks for the
 * subtask's later turns; and that running out of models names every model tried.
 */
import { describe, expect, it } from 'vitest';
import { CircuitOpenError, withCircuitBreaker } from '../../src/engine/circuit-breaker.js';
import {
  type FallbackNotice,
  isProviderOutage,
  withFallback,
} from '../../src/engine/fallback-model.js';
import { withResilience } from '../../src/engine/resilient-model.js';
import { defaultRetryPolicy } from '../../src/engine/retry-policy.js';
import { WarroomError } from '../../src/errors.js';
import { ProviderCallError } from '../../src/provider/errors.js';
import type {
  CallOptions,
  GenerateResult,
  LanguageModel,
  ModelProvider,
  ModelTarget,
  StreamPart,
} from '../../src/provider/spec.js';

const answer = (text: string): GenerateResult => ({
  content: [{ type: 'text', text }],
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: { inputTokens: 1, outputTokens: 1 },
  warnings: [],
  response: {},
});

const httpError = (status: number, options: { retryable?: boolean; provider?: string } = {}) =>
  new ProviderCallError({
    provider: options.provider ?? 'anthropic',
    modelId: 'claude-sonnet-4-5',
    message: `HTTP ${status} from the provider`,
    statusCode: status,
    isRetryable: options.retryable ?? (status === 429 || status >= 500),
  });

const abortError = () => new DOMException('The model call was aborted.', 'AbortError');

type Step = string | Error;

/** A provider answering each call from its script (the last step repeats); it counts calls. */
function scriptedProvider(id: string, script: Step[]) {
  const calls: Array<{ target: ModelTarget; options: CallOptions }> = [];
  const next = (target: ModelTarget, options: CallOptions): Promise<GenerateResult> => {
    calls.push({ target, options });
    const step = (script.length > 1 ? script.shift() : script[0]) as Step;
    return step instanceof Error ? Promise.reject(step) : Promise.resolve(answer(step));
  };
  const provider: ModelProvider = {
    specificationVersion: 'v1',
    id,
    languageModel: (target): LanguageModel => ({
      specificationVersion: 'v1',
      provider: id,
      modelId: target.modelId,
      doGenerate: (options) => next(target, options),
      async *doStream(options): AsyncIterable<StreamPart> {
        const result = await next(target, options);
        yield { type: 'text-delta', delta: 'streamed' };
        yield { type: 'finish', result };
      },
    }),
  };
  return { provider, calls };
}

const primaryTarget: ModelTarget = { provider: 'anthropic', modelId: 'claude-sonnet-4-5' };
const fallbackTarget: ModelTarget = { provider: 'openai', modelId: 'gpt-4.1' };

/** The primary and fallback, each behind the retry policy (2 attempts, no waiting). */
function setUp(primaryScript: Step[], fallbackScript: Step[] = ['from the fallback']) {
  const primary = scriptedProvider('anthropic', primaryScript);
  const fallback = scriptedProvider('openai', fallbackScript);
  const resilient = (provider: ModelProvider, target: ModelTarget) =>
    withResilience(provider.languageModel(target), {
      policy: { ...defaultRetryPolicy, maxAttempts: 2 },
      sleep: async () => {},
    });
  const notices: FallbackNotice[] = [];
  const model = withFallback(
    { model: resilient(primary.provider, primaryTarget), target: primaryTarget },
    [{ model: resilient(fallback.provider, fallbackTarget), target: fallbackTarget }],
    { onFallback: (notice) => void notices.push(notice) },
  );
  return { model, primary, fallback, notices };
}

const call = (turn = 1): CallOptions => ({
  messages: [{ role: 'user', content: [{ type: 'text', text: 'TRIAGE INC-7' }] }],
  callLabel: { run: 'dag/test', subtask: 1, turn },
});

describe('withFallback', () => {
  it('makes the same call on the fallback once the primary spent its retries on a 529', async () => {
    const { model, primary, fallback, notices } = setUp([httpError(529)]);
    const request = call();
    expect(await model.doGenerate(request)).toEqual(answer('from the fallback'));
    expect(primary.calls).toHaveLength(2);
    expect(fallback.calls).toHaveLength(1);
    expect(fallback.calls[0]?.target).toEqual(fallbackTarget);
    // The very request the primary got: messages, label, and no extra settings.
    expect(fallback.calls[0]?.options.messages).toEqual(request.messages);
    expect(fallback.calls[0]?.options.callLabel).toEqual(request.callLabel);
    expect(notices).toEqual([
      {
        turn: 1,
        from: 'anthropic/claude-sonnet-4-5',
        to: 'openai/gpt-4.1',
        reason: 'HTTP 529 from the provider (gave up after 2 attempts)',
      },
    ]);
    expect(`${model.provider}/${model.modelId}`).toBe('openai/gpt-4.1');
  });

  it('stays on the fallback for the later turns of the subtask', async () => {
    const { model, primary, fallback, notices } = setUp([
      httpError(503),
      httpError(503),
      'primary is back',
    ]);
    await model.doGenerate(call(1));
    expect(await model.doGenerate(call(2))).toEqual(answer('from the fallback'));
    expect(primary.calls).toHaveLength(2);
    expect(fallback.calls.map((made) => made.options.callLabel?.turn)).toEqual([1, 2]);
    expect(notices).toHaveLength(1);
  });

  it.each([
    ['a bad request (400)', httpError(400)],
    ['a bad key (401)', httpError(401)],
    ['a key without access (403)', httpError(403)],
    ['an unknown model (404)', httpError(404)],
    ['an abort', abortError()],
    ['a missing key at call time', new WarroomError({ code: 'PROVIDER_CALL', message: 'no key' })],
  ])('does not fall back on %s: the error comes through as it was', async (_name, error) => {
    const { model, primary, fallback, notices } = setUp([error]);
    await expect(model.doGenerate(call())).rejects.toBe(error);
    expect(primary.calls).toHaveLength(1);
    expect(fallback.calls).toHaveLength(0);
    expect(notices).toEqual([]);
    expect(`${model.provider}/${model.modelId}`).toBe('anthropic/claude-sonnet-4-5');
  });

  it('falls back on a 429 that retrying cannot clear (a spent budget)', async () => {
    const { model, primary, fallback } = setUp([httpError(429, { retryable: false })]);
    expect(await model.doGenerate(call())).toEqual(answer('from the fallback'));
    expect(primary.calls).toHaveLength(1);
    expect(fallback.calls).toHaveLength(1);
  });

  it('falls back at once, without calling the primary, when its circuit is open', async () => {
    const primary = scriptedProvider('anthropic', [httpError(529)]);
    const fallback = scriptedProvider('openai', ['from the fallback']);
    const guarded = withCircuitBreaker(primary.provider, { failures: 2, cooldownMs: 60_000 });
    const build = () =>
      withFallback(
        {
          model: withResilience(guarded.languageModel(primaryTarget), {
            policy: { ...defaultRetryPolicy, maxAttempts: 2 },
            sleep: async () => {},
          }),
          target: primaryTarget,
        },
        [{ model: fallback.provider.languageModel(fallbackTarget), target: fallbackTarget }],
      );
    // A first subtask spends its two attempts: the circuit opens.
    await build().doGenerate(call());
    expect(primary.calls).toHaveLength(2);
    // A second subtask goes straight to its fallback.
    expect(await build().doGenerate(call())).toEqual(answer('from the fallback'));
    expect(primary.calls).toHaveLength(2);
    expect(fallback.calls).toHaveLength(2);
  });

  it('names every model tried when the fallback fails too', async () => {
    const { model, fallback } = setUp([httpError(529)], [httpError(500, { provider: 'openai' })]);
    const failure = await model.doGenerate(call()).catch((error: unknown) => error);
    expect(WarroomError.isInstance(failure)).toBe(true);
    expect((failure as WarroomError).message).toBe(
      'anthropic/claude-sonnet-4-5 failed: HTTP 529 from the provider (gave up after 2 attempts); ' +
        'its fallback openai/gpt-4.1 failed too: HTTP 500 from the provider (gave up after 2 attempts)',
    );
    expect((failure as WarroomError).code).toBe('PROVIDER_CALL');
    expect(fallback.calls).toHaveLength(2);
  });

  it('names the abandoned primary when the fallback fails on a later turn', async () => {
    const { model } = setUp([httpError(529)], ['turn one', httpError(401, { provider: 'openai' })]);
    await model.doGenerate(call(1));
    const failure = (await model
      .doGenerate(call(2))
      .catch((error: unknown) => error)) as WarroomError;
    expect(failure.message).toMatch(
      /^anthropic\/claude-sonnet-4-5 failed: .*; its fallback openai\/gpt-4.1 failed too: HTTP 401/,
    );
    // A bad key on the fallback is still the user's to fix: exit 2.
    expect(failure.userError).toBe(true);
  });

  it('does not start on a fallback once the run is being cancelled', async () => {
    const { model, fallback, notices } = setUp([httpError(529)]);
    const controller = new AbortController();
    controller.abort();
    await expect(
      model.doGenerate({ ...call(), abortSignal: controller.signal }),
    ).rejects.toBeDefined();
    expect(fallback.calls).toHaveLength(0);
    expect(notices).toEqual([]);
  });

  it('keeps an abort an abort, even after a fallback', async () => {
    const abort = abortError();
    const { model } = setUp([httpError(529)], [abort]);
    await expect(model.doGenerate(call())).rejects.toBe(abort);
  });

  it('fails over a stream that failed before its first part', async () => {
    const primary = scriptedProvider('anthropic', [httpError(529)]);
    const fallback = scriptedProvider('openai', ['from the fallback']);
    const model = withFallback(
      { model: primary.provider.languageModel(primaryTarget), target: primaryTarget },
      [{ model: fallback.provider.languageModel(fallbackTarget), target: fallbackTarget }],
    );
    const parts: StreamPart[] = [];
    for await (const part of model.doStream(call())) parts.push(part);
    expect(parts.map((part) => part.type)).toEqual(['text-delta', 'finish']);
    expect(fallback.calls).toHaveLength(1);
  });
});

describe('isProviderOutage', () => {
  it('tells outages from mistakes', () => {
    const gaveUp = new WarroomError({
      code: 'PROVIDER_CALL',
      message: 'gave up',
      cause: httpError(529),
    });
    const open = new CircuitOpenError({
      provider: 'anthropic',
      modelId: 'm',
      message: 'circuit open',
      isRetryable: false,
    });
    const miss = new WarroomError({ code: 'FIXTURE_MISS', message: 'no recording' });
    expect(
      [gaveUp, open, miss, httpError(529), httpError(429, { retryable: false })].map(
        isProviderOutage,
      ),
    ).toEqual([true, true, true, true, true]);
    expect(
      [httpError(400), httpError(401), httpError(403), abortError(), new Error('bug')].map(
        isProviderOutage,
      ),
    ).toEqual([false, false, false, false, false]);
  });
});
