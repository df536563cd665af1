/**
 * Everything observable about a run is a typed event appended to the run log
 * (`events.jsonl`), named noun-action. Progress output and the report read
 * events; they do not poke into the engine.
 */
import type { JsonValue } from '../schema/index.js';
import type { RetryPolicy } from './retry-policy.js';

export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export type RunEvent =
  | {
      type: 'run-start';
      at: string;
      runId: string;
      chain: string;
      version: string;
      subtasks: number[];
      /** The retry and timeout policy every model call of the run follows. */
      retryPolicy: RetryPolicy;
    }
  | {
      /** A later process took the run up again (`warroom resume`); see resume-run.ts. */
      type: 'run-resume';
      at: string;
      runId: string;
      pid: number;
      /** run.json's status when the resume began (`running` after a crash). */
      previousStatus: string;
      /** Subtasks already done (output file + `subtask-end`): not run again. */
      done: number[];
      /** Write-tool calls a crash left with an unknown outcome: refused unless approved again. */
      inDoubt: Array<{ subtask: number; tool: string; toolCallId: string; inputHash: string }>;
      /** A half-written last line of the log (the process died mid-append), skipped. */
      repairedLine?: number;
    }
  | { type: 'subtask-start'; at: string; subtask: number; persona: string; model: string }
  | {
      type: 'model-call';
      at: string;
      subtask: number;
      turn: number;
      model: string;
      durationMs: number;
      finishReason: string;
      usage: Partial<UsageTotals>;
      /** US dollars at list price; absent when the model has no price. */
      costUsd?: number;
      responseId?: string;
    }
  | {
      type: 'model-retry';
      at: string;
      subtask: number;
      turn?: number;
      attempt: number;
      delayMs: number;
      reason: string;
      statusCode?: number;
    }
  | {
      /** The subtask's model failed with a provider outage; it goes on with `to` (see fallback-model.ts). */
      type: 'model-fallback';
      at: string;
      subtask: number;
      turn?: number;
      /** `provider/model-id` of the model that failed, and of the one that takes over. */
      from: string;
      to: string;
      reason: string;
    }
  | {
      /** Written before a write tool runs: with no matching `tool-call`, its outcome is unknown. */
      type: 'tool-call-start';
      at: string;
      subtask: number;
      turn: number;
      toolCallId: string;
      tool: string;
      /** sha256 of the input as canonical JSON (keys sorted). */
      inputHash: string;
    }
  | {
      type: 'tool-call';
      at: string;
      subtask: number;
      turn: number;
      tool: string;
      toolCallId: string;
      /** The arguments as the model wrote them (redacted before logging). */
      input: string;
      status: 'ok' | 'error' | 'refused';
      effect?: 'read' | 'write';
      reason?: string;
      durationMs: number;
    }
  | {
      type: 'subtask-limit';
      at: string;
      subtask: number;
      turn: number;
      reason: 'max-turns' | 'token-budget';
      limit: number;
      used: number;
    }
  | {
      type: 'output-invalid';
      at: string;
      subtask: number;
      turn: number;
      violations: Array<{ path: string; message: string }>;
    }
  | {
      type: 'subtask-end';
      at: string;
      subtask: number;
      status: 'succeeded';
      turns: number;
      durationMs: number;
      usage: UsageTotals;
      output: string;
    }
  | {
      type: 'subtask-fail';
      at: string;
      subtask: number;
      code: string;
      message: string;
      durationMs: number;
      /** An optional subtask: the run goes on without its output. */
      optional?: boolean;
    }
  | {
      type: 'subtask-skip';
      at: string;
      subtask: number;
      reason: string;
      /** `not-routed`: the severity does not call for it; `failed`: a subtask it needs failed. */
      cause?: 'failed' | 'not-routed';
      /** The severity the run had when it decided, for a severity gate. */
      severity?: string;
    }
  | {
      /** A person must decide before the run can go on past this point. */
      type: 'decision-request';
      at: string;
      subtask: number;
      /** `3` (a decision point) or `3:create_pull_request` (a write tool's approval). */
      decision: string;
      kind: 'choice' | 'approval';
      question: string;
      options: Array<{ id: string; description?: string; risk?: string }>;
      tool?: string;
      toolCallId?: string;
      /** The approval's tool input (redacted). */
      input?: JsonValue;
      /** Why a `--decide` given for it was not taken. */
      rejected?: string;
    }
  | {
      type: 'decision';
      at: string;
      subtask: number;
      id: string;
      kind: 'choice' | 'approval';
      question: string;
      option: { id: string; description?: string; risk?: string };
      by: 'flag' | 'operator';
      toolCallId?: string;
    }
  | {
      /** The subtask waits for a decision; where it stopped is in `pending/subtask-N.json`. */
      type: 'subtask-pause';
      at: string;
      subtask: number;
      decision: string;
      durationMs: number;
    }
  | { type: 'report-write'; at: string; files: string[]; valid: boolean }
  | {
      type: 'run-end';
      at: string;
      /** `stopped`: a run budget ran out; the run can be resumed with a higher one. */
      status: 'succeeded' | 'failed' | 'stopped' | 'awaiting-decision';
      durationMs: number;
      reason?: string;
    };

export type RunEventType = RunEvent['type'];
