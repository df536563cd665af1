/**
 * What one subtask's loop reports, in order, through `SubtaskCall.onEvent`: the
 * engine turns these into run-log events (noun-action names, like the log's).
 */
import type { GenerateResult } from '../provider/spec.js';
import type { Violation } from '../schema/index.js';
import type { ToolCallStatus } from './tool-session.js';

export type SubtaskLimitReason = 'max-turns' | 'token-budget';

export type AgentEvent =
  | {
      type: 'model-call';
      subtask: number;
      turn: number;
      durationMs: number;
      result: GenerateResult;
    }
  | { type: 'output-invalid'; subtask: number; turn: number; violations: Violation[] }
  | {
      type: 'tool-call';
      subtask: number;
      /** The model call whose reply asked for the tool. */
      turn: number;
      toolName: string;
      toolCallId: string;
      /** The arguments as the raw string the model produced. */
      input: string;
      status: ToolCallStatus;
      effect?: 'read' | 'write';
      /** Why the call was refused or failed. */
      reason?: string;
      durationMs: number;
    }
  | {
      type: 'subtask-limit';
      subtask: number;
      /** The last model call made. */
      turn: number;
      reason: SubtaskLimitReason;
      /** The limit (model calls, or tokens) and what was used of it. */
      limit: number;
      used: number;
    };
