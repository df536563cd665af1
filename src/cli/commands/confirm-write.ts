/**
 * Interactive approval of a write tool call: the exact action is shown and the
 * answer defaults to no. Without a terminal (CI, pipes) nothing is asked and the
 * call is refused unless --approve named the tool.
 */
import { createInterface } from 'node:readline/promises';
import type { JsonValue, Tool } from '../../index.js';
import type { CliIo } from '../cli-io.js';

export function terminalConfirm(
  io: CliIo,
): ((tool: Tool, input: JsonValue) => Promise<boolean>) | undefined {
  if (!process.stdin.isTTY || io.env.CI) return undefined;
  return async (tool, input) => {
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await prompt.question(
        `\n  write tool ${tool.name} wants to run with:\n${JSON.stringify(input, null, 2).replace(/^/gm, '    ')}\n  allow? [y/N] `,
      );
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      prompt.close();
    }
  };
}

export function approvalsOf(list: string | undefined): Set<string> {
  return new Set(
    (list ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  );
}
