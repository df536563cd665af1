import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/fixture/index.js';
import {
  type CallOptions,
  createRecordingProvider,
  createReplayProvider,
  type StreamPart,
} from '../../src/provider/index.js';
import { sampleOptions, sampleTarget, temporaryDirectory } from '../fixture/sample-exchange.js';
import { fakeSecrets } from '../support/fake-secrets.js';
import { createScriptedProvider, result, textResult } from './scripted-provider.js';

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await temporaryDirectory()));
afterEach(() => remove());

const fakeAnthropicKey = fakeSecrets.anthropic('record');
const fakeGithubToken = fakeSecrets.github('record');
const clock = () => new Date('2025-03-01T12:00:00.000Z');

function call(turn: number, options: CallOptions = sampleOptions()): CallOptions {
  return { ...options, callLabel: { run: 'incident-response', subtask: 2, turn } };
}

async function fixtureBytes(): Promise<string> {
  const files = (await readdir(dir, { recursive: true })).filter((file) => file.endsWith('.yaml'));
  const texts = await Promise.all(files.map((file) => readFile(join(dir, file), 'utf8')));
  return texts.join('\n');
}

async function collect(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('recording provider', () => {
  it('keeps the inner identity and records a replayable exchange (record → replay round trip)', async () => {
    const toolCall = {
      type: 'tool-call' as const,
      toolCallId: 'call_1',
      toolName: 'query',
      input: '{"q":"up"}',
    };
    const replies = [textResult('SEV2: elevated errors.'), result([toolCall])];
    const inner = createScriptedProvider('anthropic', replies);
    const recording = createRecordingProvider(inner, {
      fixturesDir: dir,
      provenance: 'recorded',
      clock,
    });
    const model = recording.languageModel(sampleTarget);
    expect([recording.id, model.provider, model.modelId]).toEqual([
      'anthropic',
      'anthropic',
      sampleTarget.modelId,
    ]);
    const recorded = [await model.doGenerate(call(1)), await model.doGenerate(call(1))];

    const replay = createReplayProvider({ fixturesDir: dir }).languageModel(sampleTarget);
    const replayed = [await replay.doGenerate(call(1)), await replay.doGenerate(call(1))];
    expect(replayed).toEqual(recorded);
    expect(await fixtureBytes()).toContain('recordedAt: 2025-03-01T12:00:00.000Z');
  });

  it('records a stream once it finishes, re-assembling content from the deltas', async () => {
    const text = 'Root cause: connection pool exhaustion after the 14:00 deploy.';
    const inner = createScriptedProvider('anthropic', [textResult(text)]);
    const model = createRecordingProvider(inner, {
      fixturesDir: dir,
      provenance: 'recorded',
    }).languageModel(sampleTarget);
    const parts = await collect(model.doStream(call(1)));
    expect(parts.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(3);

    const replayed = await createReplayProvider({ fixturesDir: dir })
      .languageModel(sampleTarget)
      .doGenerate(call(1));
    expect(replayed.content).toEqual([{ type: 'text', text }]);
    expect(replayed.finishReason).toEqual({ unified: 'stop', raw: 'end_turn' });
  });

  it('never writes secrets from the prompt or the reply to the fixture file', async () => {
    const inner = createScriptedProvider('anthropic', [
      textResult(`Rotate ${fakeGithubToken} now.`),
    ]);
    const redactor = createRedactor({ env: { ANTHROPIC_API_KEY: fakeAnthropicKey } });
    const model = createRecordingProvider(inner, {
      fixturesDir: dir,
      provenance: 'recorded',
      redactor,
    }).languageModel(sampleTarget);
    const prompt = `The leaked key was ${fakeAnthropicKey}; header Authorization: Bearer ${fakeGithubToken}`;
    await model.doGenerate(call(1, sampleOptions(prompt)));
    const bytes = await fixtureBytes();
    expect(bytes).not.toContain(fakeAnthropicKey);
    expect(bytes).not.toContain(fakeGithubToken);
    expect(bytes).not.toContain('FAKEfakeFAKEfake');
    expect(bytes).toContain('[REDACTED:');

    // Replay redacts the same way, so the call with the secret still finds its recording.
    const replay = createReplayProvider({ fixturesDir: dir, redactor }).languageModel(sampleTarget);
    const replayed = await replay.doGenerate(call(1, sampleOptions(prompt)));
    expect(replayed.content).toEqual([
      { type: 'text', text: 'Rotate [REDACTED:github-token] now.' },
    ]);
  });

  it('refuses to record a call without a label, before calling the inner model', async () => {
    const inner = createScriptedProvider('anthropic', [textResult('unused')]);
    const model = createRecordingProvider(inner, {
      fixturesDir: dir,
      provenance: 'recorded',
    }).languageModel(sampleTarget);
    await expect(model.doGenerate(sampleOptions())).rejects.toThrow(/callLabel/);
    await expect(collect(model.doStream(sampleOptions()))).rejects.toThrow(/callLabel/);
    expect(inner.calls).toHaveLength(0);
  });

  it('records nothing when the inner call fails', async () => {
    const inner = createScriptedProvider('anthropic', []);
    const model = createRecordingProvider(inner, {
      fixturesDir: dir,
      provenance: 'recorded',
    }).languageModel(sampleTarget);
    await expect(model.doGenerate(call(1))).rejects.toThrow(/ran out of replies/);
    expect(await fixtureBytes()).toBe('');
  });
});
