/**
 * The tool session of a replay: tools never run. The result of a tool call made
 * in the reply to turn T is the one recorded in the request of turn T+1, so the
 * replayed conversation is byte for byte the recorded one and keys match.
 */
import type { RecordedToolResults } from '../fixture/index.js';
import type { JsonValue, ToolCallPart, ToolDefinition } from '../provider/spec.js';
import {
  type ToolCallContext,
  type ToolCallOutcome,
  type ToolCallStatus,
  type ToolSession,
  toolErrorResult,
} from './tool-session.js';

export interface PlaybackToolSessionOptions {
  /** What the recorded run advertised (the persona's allowed tools), so keys match. */
  definitions: ToolDefinition[];
  recorded: RecordedToolResults;
  label: { run: string; subtask: number };
}

export function createPlaybackToolSession(options: PlaybackToolSessionOptions): ToolSession {
  const { run, subtask } = options.label;
  return {
    definitions: options.definitions,
    async execute(call: ToolCallPart, context: ToolCallContext): Promise<ToolCallOutcome> {
      context.signal?.throwIfAborted();
      const { turn } = context;
      const result = options.recorded.find({ run, subtask, turn }, call.toolCallId);
      if (result !== undefined) {
        const status = recordedStatus(result.output, result.isError === true);
        return { result, status, durationMs: 0 };
      }
      const reason = `no recorded result for tool call ${call.toolCallId} (${call.toolName}) of run ${run}, subtask ${subtask}, turn ${turn}: the fixtures' request for turn ${turn + 1} does not hold it. Record this subtask again.`;
      return {
        result: toolErrorResult(call, 'error', reason),
        status: 'error',
        reason,
        durationMs: 0,
      };
    },
  };
}

/** The status the live session wrapped the result with, else what `isError` says. */
function recordedStatus(output: JsonValue, isError: boolean): ToolCallStatus {
  if (typeof output === 'object' && output !== null && !Array.isArray(output)) {
    const status = output.status;
    if (status === 'ok' || status === 'error' || status === 'refused') return status;
  }
  return isError ? 'error' : 'ok';
}
