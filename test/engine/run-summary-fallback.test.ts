/**
 * subtaskActivity and runSummary after a fallback: the models a subtask actually ran
 * on (its latest attempt only, across resumed processes), its cost priced per call at
 * the model that answered, and the `primary → fallback` model the report shows.
 */
import { describe, expect, it } from 'vitest';
import { recordSubtask, runSummary, subtaskActivity } from '../../src/engine/run-summary.js';
import type { Chain, RunEvent } from '../../src/index.js';

const chain: Chain = {
  file: 'chains/dag.md',
  title: 'DAG',
  id: 'dag',
  version: '1.0.0',
  metadata: new Map(),
  subtasks: [],
};
const at = '2025-03-01T12:00:00Z';
const primary = 'anthropic/claude-sonnet-4-5';
const fallback = 'local/qwen2.5-72b';
const start = (subtask: number): RunEvent => ({
  type: 'subtask-start',
  at,
  subtask,
  persona: 'sre',
  model: primary,
});
const switched = (subtask: number, to = fallback): RunEvent => ({
  type: 'model-fallback',
  at,
  subtask,
  turn: 1,
  from: primary,
  to,
  reason: 'HTTP 529',
});
const called = (subtask: number, model: string, costUsd?: number): RunEvent => ({
  type: 'model-call',
  at,
  subtask,
  turn: 1,
  model,
  durationMs: 5,
  finishReason: 'stop',
  usage: { inputTokens: 10, outputTokens: 2 },
  ...(costUsd !== undefined ? { costUsd } : {}),
});
const usage = { inputTokens: 10, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0 };

describe('subtaskActivity after a fallback', () => {
  it('lists the models a subtask switched through, and prices its calls per model', () => {
    const activity = subtaskActivity([
      start(1),
      called(1, primary, 0.5),
      switched(1, 'openai/gpt-4.1'),
      called(1, 'openai/gpt-4.1', 0.25),
      start(2),
      called(2, primary, 0.5),
    ]);
    expect(activity.get(1)).toEqual({
      retries: 0,
      tools: {},
      models: [primary, 'openai/gpt-4.1'],
      costUsd: 0.75,
    });
    // No fallback: the entry looks as it always did.
    expect(activity.get(2)).toBeUndefined();
  });

  it('keeps only the latest attempt of a subtask run again by a resume', () => {
    const activity = subtaskActivity([start(1), switched(1), called(1, fallback), start(1)]);
    expect(activity.get(1)?.models).toBeUndefined();
    const again = subtaskActivity([start(1), start(1), switched(1), called(1, fallback)]);
    expect(again.get(1)?.models).toEqual([primary, fallback]);
  });

  it('has no cost when a call of the subtask has no price', () => {
    const activity = subtaskActivity([start(1), switched(1), called(1, fallback)]);
    expect(activity.get(1)).toEqual({ retries: 0, tools: {}, models: [primary, fallback] });
  });
});

describe('runSummary after a fallback', () => {
  it('shows the subtask as primary → fallback, at the cost of what answered', () => {
    const answer = { output: {}, text: '{}', turns: 1, usage };
    const summary = runSummary({
      runId: 'run-1',
      chain,
      startedAt: new Date(at),
      finishedAt: new Date(at),
      records: new Map([[1, recordSubtask(1, 'succeeded', primary, answer, 10)]]),
      activity: subtaskActivity([start(1), switched(1), called(1, fallback)]),
    });
    expect(summary.subtasks['1']).toMatchObject({
      model: `${primary} → ${fallback}`,
      models: [primary, fallback],
      cost_usd: null,
    });
    expect(summary.unpriced_models).toEqual([`${primary} → ${fallback}`]);
  });
});
