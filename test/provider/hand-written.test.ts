import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WarroomError } from '../../src/errors.js';
import { readFixtureDirectory } from '../../src/fixture/index.js';
import {
  type CallOptions,
  createHandWrittenProvider,
  createRecordingProvider,
  createReplayProvider,
} from '../../src/provider/index.js';
import { sampleTarget, temporaryDirectory } from '../fixture/sample-exchange.js';

let dir: string;
let remove: () => Promise<void>;
let responsesDir: string;
beforeEach(async () => {
  ({ dir, remove } = await temporaryDirectory());
  responsesDir = join(dir, 'responses');
  await mkdir(responsesDir);
});
afterEach(() => remove());

const reply = '## Triage\nSEV1: checkout down in EU.\n';

function call(subtask: number, turn: number): CallOptions {
  return {
    system: 'x'.repeat(40),
    messages: [{ role: 'user', content: [{ type: 'text', text: 'y'.repeat(41) }] }],
    callLabel: { run: 'incident-response', subtask, turn },
  };
}

describe('hand-written provider', () => {
  it('answers turn 1 from subtask-N.md and later turns from subtask-N-turn-T.md', async () => {
    await writeFile(join(responsesDir, 'subtask-3.md'), reply);
    await writeFile(join(responsesDir, 'subtask-3-turn-2.md'), 'second turn');
    const model = createHandWrittenProvider({ responsesDir }).languageModel(sampleTarget);
    const first = await model.doGenerate(call(3, 1));
    expect(first.content).toEqual([{ type: 'text', text: reply }]);
    expect(first.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
    // ceil((40 + 1 newline + 41) / 4) and ceil(reply length / 4)
    expect(first.usage).toEqual({ inputTokens: 21, outputTokens: Math.ceil(reply.length / 4) });
    expect((await model.doGenerate(call(3, 2))).content).toEqual([
      { type: 'text', text: 'second turn' },
    ]);
  });

  it('names the file it expected when a reply is missing', async () => {
    const model = createHandWrittenProvider({ responsesDir }).languageModel(sampleTarget);
    const error = await model.doGenerate(call(4, 2)).catch((reason: unknown) => reason);
    expect(WarroomError.isInstance(error)).toBe(true);
    expect((error as WarroomError).message).toContain(join(responsesDir, 'subtask-4-turn-2.md'));
    expect((error as WarroomError).context.subtask).toBe(4);
  });

  it('with the recording wrapper, turns replies into replayable hand-written fixtures', async () => {
    await writeFile(join(responsesDir, 'subtask-1.md'), reply);
    const fixturesDir = join(dir, 'fixtures');
    const recording = createRecordingProvider(createHandWrittenProvider({ responsesDir }), {
      fixturesDir,
      provenance: 'hand-written',
    });
    await recording.languageModel(sampleTarget).doGenerate(call(1, 1));
    const [entry] = [...(await readFixtureDirectory(fixturesDir)).values()];
    expect(entry?.exchanges[0]?.provenance).toBe('hand-written');
    expect(entry?.exchanges[0]?.request.provider).toBe(sampleTarget.provider);
    expect(await readFile(entry?.file ?? '', 'utf8')).toMatch(/^# Hand-written example exchange/);

    const replay = createReplayProvider({ fixturesDir }).languageModel(sampleTarget);
    expect((await replay.doGenerate(call(1, 1))).content).toEqual([{ type: 'text', text: reply }]);
  });
});

describe('hand-written tool-calling turns', () => {
  it('turns a subtask-N-turn-T.json reply into tool-call parts with stable ids', async () => {
    await writeFile(
      join(responsesDir, 'subtask-2-turn-1.json'),
      JSON.stringify({
        text: 'Checking the pool.',
        toolCalls: [{ name: 'query_prometheus', input: { expr: 'up' } }],
      }),
    );
    const model = createHandWrittenProvider({ responsesDir }).languageModel(sampleTarget);
    const result = await model.doGenerate(call(2, 1));
    expect(result.content).toEqual([
      { type: 'text', text: 'Checking the pool.' },
      {
        type: 'tool-call',
        toolCallId: 'call_2_1_1',
        toolName: 'query_prometheus',
        input: '{"expr":"up"}',
      },
    ]);
    expect(result.finishReason.unified).toBe('tool-calls');
  });
});
