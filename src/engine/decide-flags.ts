/**
 * `--decide` on the command line: `3=rollback` answers decision point 3,
 * `3:create_pull_request=approve|deny` a write tool's approval. Parsed, then checked
 * against the prepared chain before any model call.
 */
import { WarroomError } from '../errors.js';
import type { PreparedChain } from '../preflight/index.js';
import { approvalOptions, findOption } from './decisions.js';

/**
 * `--decide` values checked before any call: `N=option` names a decision point (and,
 * when the chain lists its options, one of them); `N:tool=approve|deny` names a write
 * tool subtask N's persona may use. Returns one message per problem.
 */
export function checkDecisionFlags(
  prepared: PreparedChain,
  decisions: ReadonlyMap<string, string>,
  isWriteTool: (name: string) => boolean,
): string[] {
  const problems: string[] = [];
  for (const [id, answer] of decisions) {
    const [number, tool] = id.split(':');
    const item = prepared.subtasks.get(Number(number));
    if (!item || !/^\d+$/.test(number ?? '')) {
      problems.push(`--decide ${id}=${answer}: the chain has no subtask ${number}`);
    } else if (tool !== undefined) {
      if (!item.persona.tools.includes(tool) || !isWriteTool(tool)) {
        problems.push(
          `--decide ${id}=${answer}: subtask ${number}'s persona (${item.persona.id}) has no write tool ${tool}`,
        );
      } else if (!findOption(approvalOptions, answer)) {
        problems.push(`--decide ${id}=${answer}: an approval is approve or deny`);
      }
    } else if (!item.subtask.decision) {
      problems.push(
        `--decide ${id}=${answer}: subtask ${number} is not a decision point (front matter subtasks.${number}.decision)`,
      );
    } else if (
      item.subtask.decision.options &&
      !findOption(item.subtask.decision.options, answer)
    ) {
      const ids = item.subtask.decision.options.map((option) => option.id).join(', ');
      problems.push(`--decide ${id}=${answer}: subtask ${number}'s options are ${ids}`);
    }
  }
  return problems;
}

/** `3=rollback` / `3:create_pull_request=approve` → entries; a malformed one throws a usage error. */
export function parseDecideFlags(values: readonly string[]): Map<string, string> {
  const decisions = new Map<string, string>();
  for (const value of values) {
    const match = /^(\d+(?::[\w.-]+)?)=(.+)$/.exec(value.trim());
    if (!match) {
      throw new WarroomError({
        code: 'USAGE',
        message: `--decide ${value}: write <subtask>=<option> (3=rollback) or <subtask>:<tool>=approve|deny`,
        userError: true,
      });
    }
    decisions.set(match[1] as string, (match[2] as string).trim());
  }
  return decisions;
}
