import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AgentEvent,
  createLiveToolSession,
  createPlaybackToolSession,
  createRecordingProvider,
  createRedactor,
  createReplayProvider,
  createSchemaValidator,
  type ModelProvider,
  readFixtureDirectory,
  recordedToolResults,
  runSubtask,
  type SubtaskCall,
  type ToolSession,
} from '../../src/index.js';
import { ToolRegistry } from '../../src/tools/index.js';
import { createScriptedModel } from '../engine/scripted-model.js';
import { incidentTools, toolCallReply } from './incident-tools.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warroom-playback-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const target = { provider: 'anthropic', modelId: 'claude-sonnet-4-5' };

function subtask(provider: ModelProvider, tools: ToolSession, events: AgentEvent[]): SubtaskCall {
  return {
    run: 'incident-response',
    subtask: 2,
    model: provider.languageModel(target),
    system: 'You are the SRE.',
    prompt: 'Triage INC-1.',
    output: { kind: 'json' },
    responseFormat: { type: 'json' },
    sampling: { temperature: 0 },
    repairAttempts: 0,
    validator: createSchemaValidator(),
    tools,
    onEvent: (event) => {
      events.push(event);
    },
  };
}

/** Records a subtask that looks up a metric (turn 1), then checks two more (turn 2). */
async function recordRun(): Promise<string> {
  const scripted = createScriptedModel('scripted', (made) => {
    if (made.turn === 1) return toolCallReply([['toolu_1', 'lookup_metric', '{"metric": "p99"}']]);
    if (made.turn === 2)
      return toolCallReply([
        ['toolu_2', 'lookup_metric', '{"metric": "errors"}'],
        ['toolu_3', 'flaky_probe', '{}'],
      ]);
    return '{"severity": "SEV-1"}';
  });
  const recorder = createRecordingProvider(scripted, {
    fixturesDir: dir,
    provenance: 'recorded',
    redactor: createRedactor(),
  });
  const tools = incidentTools();
  const live = createLiveToolSession({
    registry: tools.registry,
    allowed: ['lookup_metric', 'flaky_probe'],
    approvals: new Set(),
    context: { run: 'incident-response', subtask: 2 },
  });
  const answer = await runSubtask(subtask(recorder, live, []));
  return answer.text;
}

/** Same names and schemas as the recorded tools, but running one fails the test. */
function toolsThatMustNotRun(): { registry: ToolRegistry; runs: string[] } {
  const runs: string[] = [];
  const registry = new ToolRegistry(
    incidentTools()
      .registry.list()
      .map((tool) => ({
        ...tool,
        run: async () => {
          runs.push(tool.name);
          throw new Error(`${tool.name} ran under replay`);
        },
      })),
  );
  return { registry, runs };
}

describe('createPlaybackToolSession', () => {
  it('replays a tool-using subtask from fixtures without running any tool', async () => {
    const recordedText = await recordRun();
    const { registry, runs } = toolsThatMustNotRun();
    const events: AgentEvent[] = [];
    const playback = createPlaybackToolSession({
      definitions: registry.definitionsFor(['lookup_metric', 'flaky_probe']),
      recorded: recordedToolResults(await readFixtureDirectory(dir)),
      label: { run: 'incident-response', subtask: 2 },
    });
    const replay = createReplayProvider({ fixturesDir: dir, redactor: createRedactor() });
    const answer = await runSubtask(subtask(replay, playback, events));
    expect(answer).toMatchObject({ output: { severity: 'SEV-1' }, text: recordedText, turns: 3 });
    expect(runs).toEqual([]);
    expect(
      events.flatMap((event) =>
        event.type === 'tool-call' ? [[event.turn, event.toolCallId, event.status]] : [],
      ),
    ).toEqual([
      [1, 'toolu_1', 'ok'],
      [2, 'toolu_2', 'ok'],
      // The recorded failure replays as a failure.
      [2, 'toolu_3', 'error'],
    ]);
  });

  it('answers a call with no recorded result with an error naming subtask, turn and call id', async () => {
    const playback = createPlaybackToolSession({
      definitions: [],
      recorded: recordedToolResults(new Map()),
      label: { run: 'incident-response', subtask: 2 },
    });
    const outcome = await playback.execute(
      { type: 'tool-call', toolCallId: 'toolu_9', toolName: 'lookup_metric', input: '{}' },
      { turn: 4 },
    );
    expect(outcome.status).toBe('error');
    expect(outcome.result).toMatchObject({ toolCallId: 'toolu_9', isError: true });
    expect(outcome.reason).toContain('tool call toolu_9 (lookup_metric)');
    expect(outcome.reason).toContain('subtask 2, turn 4');
  });
});
