/**
 * Per-run hard limits (`--max-tokens`, `--max-cost`, `--max-tool-calls`). They are
 * counted over the whole run, every process that worked on it included, so a
 * resumed run cannot spend its budget a second time: resuming with the same budget
 * stops again at once, a higher one continues.
 *
 * Spending is checked after each model call and each tool call, not predicted, so
 * a run may overshoot by what the calls already in flight spend.
 */
import type { RunEvent } from './run-events.js';

export interface RunBudget {
  /** Input plus output tokens of every model call. */
  maxTokens?: number;
  /** US dollars at list price; calls to a model without a price count as 0. */
  maxCostUsd?: number;
  /** Tool calls that ran (refused calls do not count). */
  maxToolCalls?: number;
}

export interface RunSpending {
  tokens: number;
  costUsd: number;
  toolCalls: number;
}

export type BudgetLimit = 'max-tokens' | 'max-cost' | 'max-tool-calls';

/** Why a run stopped: which limit, the limit and what had been spent. */
export interface RunStop {
  limit: BudgetLimit;
  budget: number;
  used: number;
  reason: string;
}

export function noSpending(): RunSpending {
  return { tokens: 0, costUsd: 0, toolCalls: 0 };
}

/** Adds what one logged event spent. */
export function addSpending(spending: RunSpending, event: RunEvent): void {
  if (event.type === 'model-call') {
    spending.tokens += (event.usage.inputTokens ?? 0) + (event.usage.outputTokens ?? 0);
    spending.costUsd += event.costUsd ?? 0;
  } else if (event.type === 'tool-call' && event.status !== 'refused') {
    spending.toolCalls += 1;
  }
}

/** The first limit the spending is over, if any. */
export function overBudget(budget: RunBudget, spending: RunSpending): RunStop | undefined {
  const checks: Array<[BudgetLimit, number | undefined, number, string]> = [
    ['max-tokens', budget.maxTokens, spending.tokens, 'tokens'],
    ['max-cost', budget.maxCostUsd, spending.costUsd, 'US dollars'],
    ['max-tool-calls', budget.maxToolCalls, spending.toolCalls, 'tool calls'],
  ];
  for (const [limit, allowed, used, unit] of checks) {
    if (allowed === undefined || used <= allowed) continue;
    const shown = limit === 'max-cost' ? used.toFixed(4) : String(used);
    return {
      limit,
      budget: allowed,
      used,
      reason: `--${limit} ${allowed} exceeded: ${shown} ${unit} spent; resume with a higher --${limit} to continue`,
    };
  }
  return undefined;
}
