/**
 * `--record <dir>`: the run's exchanges become fixtures of one case
 * (`<dir>/<chain-id>/<case>/`), and its input and report the case file that
 * `warroom test` replays. `--rerecord N,…` records those subtasks (and the ones
 * that depend on them, whose prompts change with them) and replays the rest.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  caseDirectory,
  caseFormat,
  type PreparedChain,
  type Report,
  type RunChainResult,
  subtaskModels,
  WarroomError,
  writeCase,
} from '../../index.js';

export interface RecordingPlan {
  dir: string;
  caseName: string;
  /** Subtasks recorded live; undefined = all of them. */
  subtasks?: Set<number>;
}

export function parseSubtaskList(
  text: string | undefined,
  prepared: PreparedChain,
): Set<number> | undefined {
  if (text === undefined) return undefined;
  const wanted = new Set<number>();
  for (const part of text.split(',')) {
    const number = Number(part.trim());
    if (!prepared.subtasks.has(number)) {
      throw new WarroomError({
        code: 'USAGE',
        message: `--rerecord: the chain has no subtask "${part.trim()}"`,
        userError: true,
      });
    }
    wanted.add(number);
  }
  // Dependents see a new output, so their recorded prompts no longer match.
  let grew = true;
  while (grew) {
    grew = false;
    for (const [number, item] of prepared.subtasks) {
      if (!wanted.has(number) && item.dependencies.some((d) => wanted.has(d))) {
        wanted.add(number);
        grew = true;
      }
    }
  }
  return wanted;
}

/** Clears what is about to be recorded again: the whole case, or those subtasks' exchanges. */
export async function clearRecordedExchanges(plan: RecordingPlan, chainId: string): Promise<void> {
  const directory = caseDirectory(plan.dir, chainId, plan.caseName);
  if (!plan.subtasks) {
    await rm(directory, { recursive: true, force: true });
    return;
  }
  const names = await readdir(directory).catch(() => [] as string[]);
  for (const name of names) {
    const number = Number(/^subtask-(\d+)-turn-\d+\./.exec(name)?.[1]);
    if (plan.subtasks.has(number)) await rm(join(directory, name), { force: true });
  }
}

export async function writeRecordedCase(
  plan: RecordingPlan,
  prepared: PreparedChain,
  result: RunChainResult & { report: Report },
): Promise<string> {
  const { run: _run, ...withoutRun } = result.report;
  return writeCase(plan.dir, {
    format: caseFormat,
    chain: prepared.chain.id,
    case: plan.caseName,
    provenance: 'recorded',
    models: subtaskModels(result),
    input: prepared.input.value as Record<string, unknown>,
    report: withoutRun,
  });
}
