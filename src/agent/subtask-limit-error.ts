import { WarroomError } from '../errors.js';
import type { SubtaskLimitReason } from './agent-event.js';

export type SubtaskLimitCode = 'SUBTASK_MAX_TURNS' | 'SUBTASK_TOKEN_BUDGET';

const codes: Record<SubtaskLimitReason, SubtaskLimitCode> = {
  'max-turns': 'SUBTASK_MAX_TURNS',
  'token-budget': 'SUBTASK_TOKEN_BUDGET',
};

/** A subtask needed another model call but had used up its turns or its token budget. */
export class SubtaskLimitError extends WarroomError {
  constructor(
    subtask: number,
    readonly reason: SubtaskLimitReason,
    readonly limit: number,
    readonly used: number,
  ) {
    super({
      code: codes[reason],
      subtask,
      message: limitMessage(subtask, reason, limit, used),
    });
  }
}

function limitMessage(
  subtask: number,
  reason: SubtaskLimitReason,
  limit: number,
  used: number,
): string {
  if (reason === 'max-turns') {
    return `subtask ${subtask}: no final answer after ${used} model call(s), the limit (maxTurns: ${limit}). Raise maxTurns in the persona's front matter, or give the subtask less to do.`;
  }
  return `subtask ${subtask}: used ${used} tokens, over its budget of ${limit} (tokenBudget), without a final answer. Raise tokenBudget in the persona's front matter, or give the subtask less to do.`;
}
