/**
 * How a run gets its human decisions from the command line: `--decide` answers,
 * a person at the terminal (the live task list steps aside while they answer),
 * and what is printed when a run ends awaiting one.
 */
import type { DecisionRequest, RunChainResult } from '../../index.js';
import type { CliIo } from '../cli-io.js';
import { describeOptions, terminalDecide } from './confirm-write.js';
import type { LiveTaskList } from './live-task-list.js';

export async function decisionOptions(
  io: CliIo,
  flags: readonly string[] | undefined,
  live?: LiveTaskList,
): Promise<{
  decisions?: Map<string, string>;
  decide?: (request: DecisionRequest) => Promise<string>;
}> {
  const { parseDecideFlags } = await import('../../index.js');
  const decisions = flags && flags.length > 0 ? parseDecideFlags(flags) : undefined;
  const ask = terminalDecide(io);
  const decide =
    ask && live
      ? async (request: DecisionRequest) => {
          live.pause();
          try {
            return await ask(request);
          } finally {
            live.resume();
          }
        }
      : ask;
  return { ...(decisions ? { decisions } : {}), ...(decide ? { decide } : {}) };
}

/** What the run waits for and the one command that continues it. */
export function printAwaiting(io: CliIo, result: Pick<RunChainResult, 'runId' | 'awaiting'>): void {
  if (result.awaiting.length === 0) return;
  for (const request of result.awaiting) {
    const what =
      request.kind === 'approval'
        ? `write tool ${request.tool} wants to run with ${JSON.stringify(request.input ?? {})}`
        : request.question;
    io.stderr(`awaiting decision ${request.id} (subtask ${request.subtask}): ${what}\n`);
    if (request.kind === 'choice') io.stderr(`${describeOptions(request)}\n`);
  }
  const flags = result.awaiting
    .map(
      (request) =>
        `--decide ${request.id}=<${request.options.map((option) => option.id).join('|')}>`,
    )
    .join(' ');
  io.stderr(`continue with: warroom resume ${result.runId} ${flags}\n`);
}
