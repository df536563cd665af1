import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WarroomError } from '../../src/errors.js';
import { writeExchange } from '../../src/fixture/index.js';
import { createReplayProvider, type StreamPart } from '../../src/provider/index.js';
import {
  multiLinePrompt,
  sampleExchange,
  sampleOptions,
  sampleTarget,
  temporaryDirectory,
} from '../fixture/sample-exchange.js';

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await temporaryDirectory()));
afterEach(() => remove());

const label = { run: 'incident-response', subtask: 1, turn: 1 };

async function recordReplies(...replies: string[]): Promise<void> {
  for (const reply of replies) {
    const { key, exchange } = sampleExchange({ reply });
    await writeExchange(dir, key, exchange);
  }
}

function replayModel() {
  return createReplayProvider({ fixturesDir: dir }).languageModel(sampleTarget);
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof Error)) throw new Error('expected the call to reject');
  return error;
}

async function missError(promise: Promise<unknown>): Promise<WarroomError> {
  const error = await rejection(promise);
  if (!WarroomError.isInstance(error)) throw error;
  return error;
}

describe('replay provider', () => {
  it("reports itself as 'replay' with the target's model id", () => {
    const model = replayModel();
    expect([model.provider, model.modelId]).toEqual(['replay', sampleTarget.modelId]);
  });

  it('returns recorded exchanges in order for identical calls', async () => {
    await recordReplies('first', 'second');
    const model = replayModel();
    const first = await model.doGenerate({ ...sampleOptions(), callLabel: label });
    const second = await model.doGenerate({ ...sampleOptions(), callLabel: label });
    expect(first.content).toEqual([{ type: 'text', text: 'first' }]);
    expect(second.content).toEqual([{ type: 'text', text: 'second' }]);
    expect(first.finishReason).toEqual({ unified: 'stop', raw: 'end_turn' });
    expect(first.usage).toEqual({ inputTokens: 120, outputTokens: 12 });
    expect(first.response.modelId).toBe('claude-sonnet-4-5-20250929');
  });

  it('gives concurrent identical calls distinct exchanges', async () => {
    await recordReplies('a', 'b', 'c');
    const model = replayModel();
    const results = await Promise.all(
      [1, 2, 3].map(() => model.doGenerate({ ...sampleOptions(), callLabel: label })),
    );
    const texts = results.map((result) => result.content[0]);
    expect(new Set(texts.map((part) => (part?.type === 'text' ? part.text : ''))).size).toBe(3);
  });

  it('keys on the target, not on the replay provider, and ignores the call label', async () => {
    await recordReplies('recorded against anthropic');
    const other = createReplayProvider({ fixturesDir: dir }).languageModel({
      provider: 'openai',
      modelId: sampleTarget.modelId,
    });
    await expect(other.doGenerate(sampleOptions())).rejects.toMatchObject({ code: 'FIXTURE_MISS' });
    const result = await replayModel().doGenerate({
      ...sampleOptions(),
      callLabel: { run: 'renamed', subtask: 9, turn: 9 },
    });
    expect(result.content).toEqual([{ type: 'text', text: 'recorded against anthropic' }]);
  });

  it('explains a miss: the call, the fixtures dir, the key and a diff of the changed prompt line', async () => {
    await recordReplies('recorded');
    const edited = sampleOptions(multiLinePrompt.replace('latency is 4s', 'latency is 9s'));
    const error = await missError(replayModel().doGenerate({ ...edited, callLabel: label }));
    expect(error.code).toBe('FIXTURE_MISS');
    expect(error.context.subtask).toBe(1);
    expect(error.message).toContain("run 'incident-response' subtask 1 turn 1");
    expect(error.message).toContain(dir);
    expect(error.message).toMatch(/key [0-9a-f]{12}/);
    expect(error.message).toMatch(/^-\s+Checkout p99 latency is 4s since 14:02 UTC\.$/m);
    expect(error.message).toMatch(/^\+\s+Checkout p99 latency is 9s since 14:02 UTC\.$/m);
    expect(error.message.split('\n').length).toBeLessThan(45);
  });

  it('compares a miss with the most similar recording when no label matches', async () => {
    const { key, exchange } = sampleExchange({ label: { subtask: 4 } });
    await writeExchange(dir, key, exchange);
    const other = sampleExchange({ prompt: 'Something else entirely', label: { subtask: 5 } });
    await writeExchange(dir, other.key, other.exchange);
    const error = await missError(
      replayModel().doGenerate({ ...sampleOptions(), temperature: 0.5, callLabel: label }),
    );
    expect(error.message).toContain('subtask 4 turn 1');
    expect(error.message).toMatch(/^-\s+temperature: 0$/m);
    expect(error.message).toMatch(/^\+\s+temperature: 0\.5$/m);
  });

  it('says when a key is exhausted: recorded N exchanges, this is call N+1', async () => {
    await recordReplies('only one');
    const model = replayModel();
    await model.doGenerate({ ...sampleOptions(), callLabel: label });
    const error = await missError(model.doGenerate({ ...sampleOptions(), callLabel: label }));
    expect(error.code).toBe('FIXTURE_MISS');
    expect(error.message).toContain('recorded 1 exchanges for this request, this is call 2');
  });

  it('says so when the fixtures dir holds nothing', async () => {
    const error = await missError(replayModel().doGenerate(sampleOptions()));
    expect(error.message).toContain('holds no recordings');
  });

  it('rejects with an AbortError when aborted before the call, without consuming an exchange', async () => {
    await recordReplies('kept');
    const model = replayModel();
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(
      model.doGenerate({ ...sampleOptions(), abortSignal: controller.signal }),
    );
    expect(error.name).toBe('AbortError');
    const result = await model.doGenerate(sampleOptions());
    expect(result.content).toEqual([{ type: 'text', text: 'kept' }]);
  });

  it('rejects with an AbortError when aborted while answering', async () => {
    await recordReplies('late');
    const controller = new AbortController();
    const call = replayModel().doGenerate({ ...sampleOptions(), abortSignal: controller.signal });
    controller.abort();
    expect((await rejection(call)).name).toBe('AbortError');
  });

  it('streams the recorded text as several deltas that join to it, then finish', async () => {
    const text = 'SEV1: checkout is degraded for all EU users since 14:02; paging payments.';
    await recordReplies(text);
    const parts: StreamPart[] = [];
    for await (const part of replayModel().doStream(sampleOptions())) parts.push(part);
    const deltas = parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(text);
    const last = parts.at(-1);
    expect(last?.type).toBe('finish');
    expect(last?.type === 'finish' && last.result.content).toEqual([{ type: 'text', text }]);
  });
});
