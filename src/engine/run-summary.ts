/** The `run` key of report.json: run metrics, kept apart so reports of the same work compare equal without it. */
import type { SubtaskAnswer } from '../agent/index.js';
import type { Chain } from '../chain/index.js';
import { costOf } from './model-prices.js';
import type { RunEvent } from './run-events.js';

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

/** What the event log says each subtask did besides its model calls. */
export interface SubtaskActivity {
  retries: number;
  /** Calls per tool name. */
  tools: Record<string, number>;
  /**
   * Only for a subtask that fell back: the models it ran on, primary first, then each
   * fallback it switched to (its latest attempt; the last one answered).
   */
  models?: string[];
  /** With `models`: the cost of its calls, each at its model's price; absent when one has no price. */
  costUsd?: number;
}

/** Since the subtask's latest start: the models it switched through, and its calls' cost. */
interface Attempt {
  models: string[];
  costUsd: number;
  unpriced: boolean;
}

/** Retries, tool calls and fallbacks per subtask, from a run's events (all of its processes). */
export function subtaskActivity(events: readonly RunEvent[]): Map<number, SubtaskActivity> {
  const activity = new Map<number, SubtaskActivity>();
  const attempts = new Map<number, Attempt>();
  const of = (subtask: number) => {
    let entry = activity.get(subtask);
    if (!entry) {
      entry = { retries: 0, tools: {} };
      activity.set(subtask, entry);
    }
    return entry;
  };
  for (const event of events) {
    if (event.type === 'subtask-start') {
      attempts.set(event.subtask, { models: [event.model], costUsd: 0, unpriced: false });
    }
    if (event.type === 'model-retry') of(event.subtask).retries++;
    if (event.type === 'model-fallback') {
      const attempt = attempts.get(event.subtask);
      if (attempt) attempt.models.push(event.to);
      else
        attempts.set(event.subtask, {
          models: [event.from, event.to],
          costUsd: 0,
          unpriced: false,
        });
    }
    if (event.type === 'model-call') {
      const attempt = attempts.get(event.subtask);
      if (attempt && event.costUsd !== undefined) attempt.costUsd += event.costUsd;
      else if (attempt) attempt.unpriced = true;
    }
    if (event.type === 'tool-call') {
      const tools = of(event.subtask).tools;
      tools[event.tool] = (tools[event.tool] ?? 0) + 1;
    }
  }
  for (const [subtask, attempt] of attempts) {
    if (attempt.models.length < 2) continue;
    const entry = of(subtask);
    entry.models = attempt.models;
    if (!attempt.unpriced) entry.costUsd = Number(attempt.costUsd.toFixed(6));
  }
  return activity;
}

/** A record as the model(s) that actually answered: `primary → fallback`, priced per call. */
function asAnswered(record: SubtaskRecord, activity: SubtaskActivity | undefined): SubtaskRecord {
  if (!activity?.models) return record;
  return { ...record, model: activity.models.join(' → '), costUsd: activity.costUsd };
}

export function runSummary(options: {
  runId: string;
  chain: Chain;
  startedAt: Date;
  finishedAt: Date;
  records: Map<number, SubtaskRecord>;
  activity?: Map<number, SubtaskActivity>;
}) {
  const records = [...options.records.values()]
    .sort((a, b) => a.subtask - b.subtask)
    .map((record) => asAnswered(record, options.activity?.get(record.subtask)));
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
          ...(options.activity?.get(record.subtask)?.models
            ? { models: options.activity.get(record.subtask)?.models }
            : {}),
          turns: record.turns,
          duration_ms: record.durationMs,
          usage: snake(record.usage),
          cost_usd: record.costUsd ?? null,
          retries: options.activity?.get(record.subtask)?.retries ?? 0,
          tools: options.activity?.get(record.subtask)?.tools ?? {},
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
