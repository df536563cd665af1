import { describe, expect, it } from 'vitest';
import { recordSubtask, runSummary, subtaskActivity } from '../../src/engine/run-summary.js';
import type { Chain } from '../../src/index.js';

const chain: Chain = {
  file: 'chains/incident-response.md',
  title: 'Incident Response',
  id: 'incident-response',
  version: '2.0.0',
  metadata: new Map(),
  subtasks: [],
};

function answer(turns: number, inputTokens: number, outputTokens: number) {
  return {
    output: {},
    text: '{}',
    turns,
    usage: { inputTokens, outputTokens, cacheReadTokens: 1, cacheWriteTokens: 2 },
  };
}

function summary(
  records: ReturnType<typeof recordSubtask>[],
  activity?: ReturnType<typeof subtaskActivity>,
) {
  return runSummary({
    runId: 'run-9',
    chain,
    startedAt: new Date('2025-03-01T12:00:00Z'),
    finishedAt: new Date('2025-03-01T12:00:42.5Z'),
    records: new Map(records.map((record) => [record.subtask, record])),
    ...(activity ? { activity } : {}),
  });
}

describe('runSummary', () => {
  it('totals calls, repairs and tokens over subtasks, keyed by subtask number in order', () => {
    const result = summary([
      recordSubtask(3, 'succeeded', 'openai/gpt-5', answer(1, 50, 5), 900),
      recordSubtask(1, 'succeeded', 'anthropic/claude-sonnet-4-5', answer(3, 100, 20), 1200),
    ]);
    expect(result).toMatchObject({
      id: 'run-9',
      chain: { id: 'incident-response', version: '2.0.0' },
      status: 'succeeded',
      started_at: '2025-03-01T12:00:00.000Z',
      finished_at: '2025-03-01T12:00:42.500Z',
      duration_ms: 42_500,
      model_calls: 4,
      repairs: 2,
      usage: { input_tokens: 150, output_tokens: 25, cache_read_tokens: 2, cache_write_tokens: 4 },
    });
    expect(Object.keys(result.subtasks)).toEqual(['1', '3']);
    expect(result.subtasks['1']).toEqual({
      status: 'succeeded',
      model: 'anthropic/claude-sonnet-4-5',
      turns: 3,
      duration_ms: 1200,
      usage: { input_tokens: 100, output_tokens: 20, cache_read_tokens: 1, cache_write_tokens: 2 },
      // 100·$3 + 20·$15 + 1·$0.30 + 2·$3.75 per million tokens
      cost_usd: 0.000608,
      retries: 0,
      tools: {},
    });
  });

  it('is failed when any subtask failed, counting a failed subtask as zero calls and tokens', () => {
    const failed = recordSubtask(2, 'failed', 'anthropic/claude-sonnet-4-5', undefined, 300);
    expect(failed).toMatchObject({ turns: 0, usage: { inputTokens: 0, outputTokens: 0 } });
    const result = summary([
      recordSubtask(1, 'succeeded', 'anthropic/claude-sonnet-4-5', answer(1, 10, 1), 100),
      failed,
    ]);
    expect(result.status).toBe('failed');
    expect(result.model_calls).toBe(1);
    expect(result.usage.input_tokens).toBe(10);
  });

  it('does not share the zero usage object between failed records', () => {
    const first = recordSubtask(1, 'failed', 'm', undefined, 0);
    first.usage.inputTokens = 99;
    expect(recordSubtask(2, 'failed', 'm', undefined, 0).usage.inputTokens).toBe(0);
  });
});

describe('subtaskActivity', () => {
  it('counts retries and tool calls per subtask from the events', () => {
    const at = '2025-03-01T12:00:00Z';
    const activity = subtaskActivity([
      { type: 'model-retry', at, subtask: 1, attempt: 1, delayMs: 10, reason: 'HTTP 529' },
      {
        type: 'tool-call',
        at,
        subtask: 1,
        turn: 1,
        tool: 'query_prometheus',
        toolCallId: 'a',
        input: '{}',
        status: 'ok',
        durationMs: 3,
      },
      {
        type: 'tool-call',
        at,
        subtask: 1,
        turn: 2,
        tool: 'query_prometheus',
        toolCallId: 'b',
        input: '{}',
        status: 'ok',
        durationMs: 3,
      },
      {
        type: 'tool-call',
        at,
        subtask: 2,
        turn: 1,
        tool: 'create_pull_request',
        toolCallId: 'c',
        input: '{}',
        status: 'refused',
        durationMs: 0,
      },
    ]);
    expect(activity.get(1)).toEqual({ retries: 1, tools: { query_prometheus: 2 } });
    expect(activity.get(2)).toEqual({ retries: 0, tools: { create_pull_request: 1 } });
    const result = summary(
      [recordSubtask(1, 'succeeded', 'anthropic/claude-sonnet-4-5', answer(2, 10, 1), 100)],
      activity,
    );
    expect(result.subtasks['1']).toMatchObject({ retries: 1, tools: { query_prometheus: 2 } });
  });
});
