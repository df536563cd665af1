import { WarroomError } from '../errors.js';
import { formatViolations, type Violation } from '../schema/index.js';

/** The reply still breaks the output format once the repair turns are used up. */
export class OutputInvalidError extends WarroomError {
  constructor(
    subtask: number,
    readonly violations: Violation[],
    readonly text: string,
    turns: number,
  ) {
    super({
      code: 'OUTPUT_INVALID',
      subtask,
      message: `subtask ${subtask}: the model's output is still invalid after ${turns} turn(s):\n${formatViolations(violations)}`,
    });
  }
}
