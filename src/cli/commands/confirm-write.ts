/**
 * Asking a person at the terminal: a write tool's approval (the exact action is
 * shown, the answer defaults to no) and a decision point's options with their
 * risk. Without a terminal (CI, pipes) nothing is asked: a run takes `--decide`
 * answers, or stops awaiting a decision.
 */
import { createInterface } from 'node:readline/promises';
import type { DecisionRequest } from '../../index.js';
import type { CliIo } from '../cli-io.js';

export function terminalDecide(
  io: CliIo,
): ((request: DecisionRequest) => Promise<string>) | undefined {
  if (!process.stdin.isTTY || io.env.CI) return undefined;
  return async (request) => {
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      if (request.kind === 'approval') {
        const answer = await prompt.question(
          `\n  subtask ${request.subtask}: write tool ${request.tool} wants to run with:\n${JSON.stringify(request.input ?? {}, null, 2).replace(/^/gm, '    ')}\n  allow? [y/N] `,
        );
        return /^y(es)?$/i.test(answer.trim()) ? 'approve' : 'deny';
      }
      io.stderr(`\n  ${request.question}\n${describeOptions(request)}\n`);
      // Asked until the answer names an option: a stray Enter must not choose for them.
      for (;;) {
        const answer = (
          await prompt.question(`  choose 1-${request.options.length} or a name: `)
        ).trim();
        const byNumber = /^\d+$/.test(answer) ? request.options[Number(answer) - 1] : undefined;
        const chosen =
          byNumber ??
          request.options.find((option) => option.id.toLowerCase() === answer.toLowerCase());
        if (chosen) return chosen.id;
      }
    } finally {
      prompt.close();
    }
  };
}

/** `  1. rollback — risk: low — revert v3.42.0`, one line per option. */
export function describeOptions(request: DecisionRequest): string {
  return request.options
    .map((option, index) => {
      const parts = [`${index + 1}. ${option.id}`];
      if (option.risk) parts.push(`risk: ${option.risk}`);
      if (option.description) parts.push(option.description);
      return `    ${parts.join(' — ')}`;
    })
    .join('\n');
}

export function approvalsOf(list: string | undefined): Set<string> {
  return new Set(
    (list ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  );
}
