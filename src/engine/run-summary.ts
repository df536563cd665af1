/** The `run` key of report.json: run metrics, kept apart so reports of the same work compare equal without it. */
import type { SubtaskAnswer } from '../agent/index.js';
import type { Chain } from '../chain/index.js';
import { costOf } from './model-prices.js';

export interface SubtaskRecord {
  subtask: number;
  status: 'succeeded' | 'failed';
  model: string;
  turns: number;
  durationMs: number;
  usage: SubtaskAnswer['usage'];
  /** US dollars; undefined when the model has no price in the table. */
  costUsd: number | undefined;
}

const noUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

export function recordSubtask(
  subtask: number,
  status: SubtaskRecord['status'],
  model: string,
  answer: SubtaskAnswer | undefined,
  durationMs: number,
): SubtaskRecord {
  return {
    subtask,
    status,
    model,
    turns: answer?.turns ?? 0,
    durationMs,
    usage: answer?.usage ?? { ...noUsage },
    costUsd: costOf(model, answer?.usage ?? noUsage),
  };
}

function snake(usage: SubtaskAnswer['usage']) {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_read_tokens: usage.cacheReadTokens,
    cache_write_tokens: usage.cacheWriteTokens,
  };
}

export function runSummary(options: {
  runId: string;
  chain: Chain;
  startedAt: Date;
  finishedAt: Date;
  records: Map<number, SubtaskRecord>;
}) {
  const records = [...options.records.values()].sort((a, b) => a.subtask - b.subtask);
  const total = { ...noUsage };
  for (const record of records) {
    total.inputTokens += record.usage.inputTokens;
    total.outputTokens += record.usage.outputTokens;
    total.cacheReadTokens += record.usage.cacheReadTokens;
    total.cacheWriteTokens += record.usage.cacheWriteTokens;
  }
  return {
    id: options.runId,
    chain: { id: options.chain.id, version: options.chain.version },
    status: records.every((record) => record.status === 'succeeded') ? 'succeeded' : 'failed',
    started_at: options.startedAt.toISOString(),
    finished_at: options.finishedAt.toISOString(),
    duration_ms: options.finishedAt.getTime() - options.startedAt.getTime(),
    model_calls: records.reduce((sum, record) => sum + record.turns, 0),
    repairs: records.reduce((sum, record) => sum + Math.max(0, record.turns - 1), 0),
    usage: snake(total),
    ...costSummary(records),
    subtasks: Object.fromEntries(
      records.map((record) => [
        String(record.subtask),
        {
          status: record.status,
          model: record.model,
          turns: record.turns,
          duration_ms: record.durationMs,
          usage: snake(record.usage),
          cost_usd: record.costUsd ?? null,
        },
      ]),
    ),
  };
}

/** The run's cost: the sum over priced models, and which models had no price. */
export function costSummary(records: SubtaskRecord[]): {
  cost_usd: number;
  unpriced_models?: string[];
} {
  const unpriced = [
    ...new Set(records.filter((r) => r.costUsd === undefined && r.turns > 0).map((r) => r.model)),
  ];
  const cost = records.reduce((sum, record) => sum + (record.costUsd ?? 0), 0);
  return {
    cost_usd: Number(cost.toFixed(6)),
    ...(unpriced.length > 0 ? { unpriced_models: unpriced } : {}),
  };
}
