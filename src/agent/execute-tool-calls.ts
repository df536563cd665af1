/**
 * One tool turn: every tool call of a reply, run in the order the model made
 * them, each reported as a `tool-call` event, the results gathered for the one
 * `tool` message that answers the reply.
 */
import type { ToolCallPart, ToolResultPart } from '../provider/spec.js';
import type { AgentEvent } from './agent-event.js';
import { SubtaskPause } from './subtask-pause.js';
import type { ToolSession } from './tool-session.js';

export interface ToolTurn {
  subtask: number;
  /** The model call whose reply made the calls. */
  turn: number;
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void | Promise<void>;
  /** Results of this reply's first calls, already run by an earlier process: not run again. */
  done?: readonly ToolResultPart[];
}

export async function executeToolCalls(
  calls: readonly ToolCallPart[],
  session: ToolSession,
  turn: ToolTurn,
): Promise<ToolResultPart[]> {
  const results: ToolResultPart[] = [...(turn.done ?? [])];
  // In order, never in parallel: a later call may depend on what an earlier one changed.
  for (const call of calls.slice(results.length)) {
    let outcome: Awaited<ReturnType<ToolSession['execute']>>;
    try {
      outcome = await session.execute(call, {
        turn: turn.turn,
        ...(turn.signal ? { signal: turn.signal } : {}),
      });
    } catch (error) {
      // The calls before this one ran: a later process must not run them again.
      if (SubtaskPause.isPause(error)) error.completed = [...results];
      throw error;
    }
    await turn.onEvent?.({
      type: 'tool-call',
      subtask: turn.subtask,
      turn: turn.turn,
      toolName: call.toolName,
      toolCallId: call.toolCallId,
      input: call.input,
      status: outcome.status,
      ...(outcome.effect ? { effect: outcome.effect } : {}),
      ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
      durationMs: outcome.durationMs,
    });
    results.push(outcome.result);
  }
  return results;
}
