import { describe, expect, it } from 'vitest';
import { withCircuitBreaker } from '../../src/engine/circuit-breaker.js';
import { ProviderCallError } from '../../src/provider/errors.js';
import type { CallOptions, GenerateResult, ModelProvider } from '../../src/provider/spec.js';

const ok: GenerateResult = {
  content: [{ type: 'text', text: 'fine' }],
  finishReason: { unified: 'stop', raw: 'end_turn' },
  usage: { inputTokens: 1, outputTokens: 1 },
  warnings: [],
  response: {},
};

const outage = () =>
  new ProviderCallError({
    provider: 'anthropic',
    modelId: 'm',
    message: 'HTTP 529 overloaded',
    statusCode: 529,
    isRetryable: true,
  });

/** A provider that fails while `down` is true, counting the calls it receives. */
function flakyProvider() {
  const state = { down: true, calls: 0 };
  const provider: ModelProvider = {
    specificationVersion: 'v1',
    id: 'anthropic',
    languageModel: (target) => ({
      specificationVersion: 'v1',
      provider: 'anthropic',
      modelId: target.modelId,
      doGenerate: async () => {
        state.calls++;
        if (state.down) throw outage();
        return ok;
      },
      async *doStream() {
        yield { type: 'finish', result: ok };
      },
    }),
  };
  return { provider, state };
}

const call: CallOptions = { messages: [], callLabel: { run: 'r', subtask: 3, turn: 1 } };

describe('withCircuitBreaker', () => {
  it('stops calling a provider after consecutive failures and fails fast, naming the subtask', async () => {
    const clock = { time: 0 };
    const { provider, state } = flakyProvider();
    const model = withCircuitBreaker(provider, {
      failures: 3,
      cooldownMs: 30_000,
      now: () => clock.time,
    }).languageModel({
      provider: 'anthropic',
      modelId: 'm',
    });
    for (let i = 0; i < 3; i++) await expect(model.doGenerate(call)).rejects.toThrow('HTTP 529');
    await expect(model.doGenerate(call)).rejects.toMatchObject({
      isRetryable: false,
      message: expect.stringContaining(
        'anthropic failed 3 calls in a row: not calling it for 30 s more',
      ),
    });
    expect(state.calls).toBe(3);
  });

  it('lets one trial call through after the cooldown and closes on its success', async () => {
    const clock = { time: 0 };
    const { provider, state } = flakyProvider();
    const breaker = withCircuitBreaker(provider, {
      failures: 2,
      cooldownMs: 10_000,
      now: () => clock.time,
    });
    const model = breaker.languageModel({ provider: 'anthropic', modelId: 'm' });
    for (let i = 0; i < 2; i++) await expect(model.doGenerate(call)).rejects.toThrow('HTTP 529');
    clock.time = 10_000;
    await expect(model.doGenerate(call)).rejects.toThrow('HTTP 529');
    // The trial failed: open again at once.
    await expect(model.doGenerate(call)).rejects.toThrow('circuit open');
    clock.time = 20_000;
    state.down = false;
    expect(await model.doGenerate(call)).toEqual(ok);
    expect(await model.doGenerate(call)).toEqual(ok);
    expect(state.calls).toBe(5);
  });

  it('shares one circuit across the models of a provider', async () => {
    const { provider } = flakyProvider();
    const breaker = withCircuitBreaker(provider, { failures: 1, cooldownMs: 60_000, now: () => 0 });
    await expect(
      breaker.languageModel({ provider: 'anthropic', modelId: 'a' }).doGenerate(call),
    ).rejects.toThrow('HTTP 529');
    await expect(
      breaker.languageModel({ provider: 'anthropic', modelId: 'b' }).doGenerate(call),
    ).rejects.toThrow('circuit open');
  });
});
