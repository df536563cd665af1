/**
 * Decision points: a person chooses after the subtask (a recovery strategy:
 * rollback / hotfix / mitigate). Options written in the chain need nothing more;
 * options read from the output need a JSON output whose schema has that path.
 */
import type { Chain } from '../chain/index.js';
import type { Diagnostic } from '../errors.js';
import type { InputSchema } from './chain-input.js';
import { checkReferences } from './reference-check.js';
import type { SubtaskOutput } from './subtask-output.js';

export function checkDecisionPoints(
  chain: Chain,
  outputs: Map<number, SubtaskOutput>,
  inputSchema: InputSchema,
  diagnostics: Diagnostic[],
): void {
  for (const subtask of chain.subtasks) {
    const decision = subtask.decision;
    if (!decision?.optionsFrom) continue;
    const output = outputs.get(subtask.number);
    if (output?.kind !== 'json') {
      diagnostics.push({
        file: chain.file,
        line: decision.line,
        severity: 'error',
        code: 'DECISION_OPTIONS',
        message: `subtask ${subtask.number}: decision.options_from reads its output, which is not JSON; list the options instead (decision.options)`,
      });
      continue;
    }
    const path = [`subtask_${subtask.number}_output`, ...decision.optionsFrom];
    const checked = checkReferences(
      [{ path, text: path.join('.'), line: decision.line, column: 1, optional: false }],
      { file: chain.file, consumer: undefined, outputs, inputSchema },
    );
    for (const diagnostic of checked.diagnostics) {
      diagnostics.push({ ...diagnostic, message: `decision.options_from: ${diagnostic.message}` });
    }
  }
}
