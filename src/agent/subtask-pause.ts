/**
 * A subtask that cannot go on until a person decides (a write tool's approval
 * nobody can give right now). The tool session throws it; the loop attaches
 * where it stopped — the conversation up to the reply whose tool calls were
 * running, and the results of the calls that had already run — so a later
 * process continues from there: no model call is repeated and no tool runs twice.
 */
import { WarroomError } from '../errors.js';
import type { Message, ToolResultPart } from '../provider/spec.js';

export interface SubtaskProgress {
  /** The conversation, ending with the assistant reply whose tool calls were running. */
  messages: Message[];
  /** The turn of that reply. */
  turn: number;
  usage: {
    inputTokens: number;
    outputTokens: number;
    cacheReadTokens: number;
    cacheWriteTokens: number;
  };
  repairs: number;
  /** Results of that reply's tool calls that had already run, in order. */
  results: ToolResultPart[];
}

export class SubtaskPause extends WarroomError {
  /** Set by the loop on its way out. */
  progress?: SubtaskProgress;
  /** Set by the tool turn: results of the calls before the one that paused. */
  completed?: ToolResultPart[];

  constructor(options: { subtask: number; message: string; decision: string }) {
    super({ code: 'DECISION_NEEDED', subtask: options.subtask, message: options.message });
    this.decision = options.decision;
  }

  /** The decision it waits for (its id in the run: `3:create_pull_request`). */
  readonly decision: string;

  static isPause(error: unknown): error is SubtaskPause {
    return (
      WarroomError.isInstance(error) && error.code === 'DECISION_NEEDED' && 'decision' in error
    );
  }
}
