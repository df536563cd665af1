/** The agent loop's events, as run-log events. */
import type { AgentEvent } from '../agent/index.js';
import type { Usage } from '../provider/spec.js';
import { costOf } from './model-prices.js';
import type { RunEvent, UsageTotals } from './run-events.js';

export function toRunEvent(event: AgentEvent, at: string, model: string): RunEvent {
  switch (event.type) {
    case 'model-call': {
      const { result } = event;
      return {
        type: 'model-call',
        at,
        subtask: event.subtask,
        turn: event.turn,
        model,
        durationMs: event.durationMs,
        finishReason: result.finishReason.unified,
        usage: definedUsage(result.usage),
        ...callCost(model, result.usage),
        ...(result.response.id ? { responseId: result.response.id } : {}),
      };
    }
    case 'output-invalid':
      return {
        type: 'output-invalid',
        at,
        subtask: event.subtask,
        turn: event.turn,
        violations: event.violations,
      };
    case 'tool-call':
      return {
        type: 'tool-call',
        at,
        subtask: event.subtask,
        turn: event.turn,
        tool: event.toolName,
        toolCallId: event.toolCallId,
        input: event.input,
        status: event.status,
        ...(event.effect ? { effect: event.effect } : {}),
        ...(event.reason ? { reason: event.reason } : {}),
        durationMs: event.durationMs,
      };
    case 'subtask-limit':
      return {
        type: 'subtask-limit',
        at,
        subtask: event.subtask,
        turn: event.turn,
        reason: event.reason,
        limit: event.limit,
        used: event.used,
      };
  }
}

function definedUsage(usage: Usage): Partial<UsageTotals> {
  return Object.fromEntries(Object.entries(usage).filter(([, value]) => value !== undefined));
}

function callCost(model: string, usage: Usage): { costUsd?: number } {
  const cost = costOf(model, {
    inputTokens: usage.inputTokens ?? 0,
    outputTokens: usage.outputTokens ?? 0,
    cacheReadTokens: usage.cacheReadTokens ?? 0,
    cacheWriteTokens: usage.cacheWriteTokens ?? 0,
  });
  return cost === undefined ? {} : { costUsd: cost };
}
