import { describe, expect, it } from 'vitest';
import { recordSubtask, runSummary } from '../../src/engine/run-summary.js';
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

function summary(records: ReturnType<typeof recordSubtask>[]) {
  return runSummary({
    runId: 'run-9',
    chain,
    startedAt: new Date('2025-03-01T12:00:00Z'),
    finishedAt: new Date('2025-03-01T12:00:42.5Z'),
    records: new Map(records.map((record) => [record.subtask, record])),
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
