/**
 * The agent's side of tools: a `ToolSession` runs (or plays back) the tool calls of
 * one subtask. The loop never sees a `Tool`: live runs and replays differ only in
 * the session they pass.
 *
 * What reaches the model is data, never instructions: every result is wrapped as
 * `{ tool, status, data }` or `{ tool, status, error }` and nothing is added to the
 * prompt about it.
 */
import type { JsonValue, ToolCallPart, ToolDefinition, ToolResultPart } from '../provider/spec.js';

export type ToolCallStatus = 'ok' | 'error' | 'refused';

export interface ToolCallOutcome {
  /** What the model is sent back. */
  result: ToolResultPart;
  status: ToolCallStatus;
  effect?: 'read' | 'write';
  /** Why the call was refused or failed, for the run log. */
  reason?: string;
  durationMs: number;
}

export interface ToolCallContext {
  /** The model call whose reply made the tool call. */
  turn: number;
  signal?: AbortSignal;
}

export interface ToolSession {
  /** Definitions advertised to the model: only the persona's allowed tools. */
  definitions: ToolDefinition[];
  /** Runs (or plays back) one tool call and returns its result; never throws for tool problems. */
  execute(call: ToolCallPart, context: ToolCallContext): Promise<ToolCallOutcome>;
}

/** A successful result: the tool's data, wrapped. */
export function toolDataResult(call: ToolCallPart, data: JsonValue): ToolResultPart {
  return {
    type: 'tool-result',
    toolCallId: call.toolCallId,
    toolName: call.toolName,
    output: { tool: call.toolName, status: 'ok', data },
  };
}

/** A refused or failed call: the message says what went wrong and how to do better. */
export function toolErrorResult(
  call: ToolCallPart,
  status: 'error' | 'refused',
  message: string,
): ToolResultPart {
  return {
    type: 'tool-result',
    toolCallId: call.toolCallId,
    toolName: call.toolName,
    output: { tool: call.toolName, status, error: message },
    isError: true,
  };
}
