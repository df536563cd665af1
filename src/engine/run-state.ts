/** The state of one run, shared by the scheduler and the subtask runner. */

import type { SubtaskProgress, ToolCallOutcome } from '../agent/index.js';
import type { Redactor } from '../fixture/index.js';
import type { ToolRegistry } from '../tools/index.js';
import type { DecisionRequest, RecordedDecision } from './decisions.js';
import type { SelectedModel } from './model-selection.js';
import { addSpending, overBudget, type RunSpending, type RunStop } from './run-budget.js';
import type { RunChainOptions, RunFailure } from './run-chain.js';
import type { RunDirectory } from './run-directory.js';
import type { RunEvent } from './run-events.js';
import type { RecordedOptions, RunRecord } from './run-record.js';
import type { SubtaskRecord } from './run-summary.js';
import type { InDoubtWrite } from './write-journal.js';

/** A subtask the run finished without. */
export interface AbsentSubtask {
  subtask: number;
  /** `failed`: it (or one it needed) failed; `not-routed`: the severity does not call for it. */
  reason: 'failed' | 'not-routed';
  /** One line for the report: why it has no output. */
  because: string;
}

export interface RunState {
  options: RunChainOptions;
  redactor: Redactor;
  directory: RunDirectory;
  clock: () => Date;
  models: Map<number, SelectedModel>;
  outputs: Map<number, unknown>;
  /**
   * What prompts render from: the input's fields, `subtask_N_output`, `subtask_N_decision`.
   * Kept up to date as outputs arrive (addOutput), never rebuilt: a step's cost must not
   * grow with the number of steps before it.
   */
  scope: Record<string, unknown>;
  records: Map<number, SubtaskRecord>;
  failures: RunFailure[];
  /** Subtasks that ended without output and that the run can do without (optional, gated). */
  absent: Map<number, AbsentSubtask>;
  /** Answers given so far (restored on resume), by decision id. */
  decisions: Map<string, RecordedDecision>;
  /** Questions nobody could answer in this process: the run ends `awaiting-decision`. */
  awaiting: Map<string, DecisionRequest>;
  /** Decision points already handed to the queue. */
  asked: Set<number>;
  /** The call each open approval of an earlier process waited for (resume only). */
  pendingCalls: Map<string, string>;
  /** Approval `--decide` answers already used on a call (each approves one call). */
  flagsUsed: Set<string>;
  /** The question a person is being asked now: the next waits for it. */
  asking: Promise<void>;
  /**
   * Write calls an earlier process ran (audit.jsonl), by `<subtask>:<toolCallId>`: a
   * resumed subtask that makes the same call gets the recorded result, never a second run.
   */
  ranWrites: Map<string, ToolCallOutcome>;
  /** Where paused subtasks stopped (resume only): they go on from there. */
  paused: Map<number, SubtaskProgress>;
  /** The model each paused subtask's conversation was on (`provider/model`), from the log. */
  pausedModels: Map<number, string>;
  started: Set<number>;
  /** An error that is not a run failure (a bug): the run winds down, then runChain rethrows it. */
  crash?: { error: unknown };
  runId: string;
  /** When the run first started (a resumed run keeps its original start). */
  startedAt: Date;
  /** Aborts every running subtask: the caller's signal, or a budget running out. */
  controller: AbortController;
  /** What the whole run has spent so far, earlier processes included. */
  spending: RunSpending;
  /** Set when a budget ran out: the run winds down as `stopped`. */
  stop?: RunStop;
  /** Write calls a crash left with an unknown outcome (resume only). */
  inDoubt: InDoubtWrite[];
  /** The tool registry with write tools journaled (`tool-call-start`). */
  tools?: ToolRegistry;
  /** run.json's fields that outlive a status change (start, options, resumes). */
  record: Omit<RunRecord, 'status' | 'finished_at' | 'failures' | 'stop'>;
}

/** The engine options run.json keeps, so a resume can default to them. */
export function recordedOptions(options: RunChainOptions): RecordedOptions {
  return {
    ...(options.overrides ? { overrides: options.overrides } : {}),
    ...(options.subtaskOverrides
      ? { subtaskOverrides: Object.fromEntries(options.subtaskOverrides) }
      : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.repairAttempts !== undefined ? { repairAttempts: options.repairAttempts } : {}),
    ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
    ...(options.stream !== undefined ? { stream: options.stream } : {}),
    ...(options.caseName !== undefined ? { caseName: options.caseName } : {}),
    ...(options.budget ? { budget: options.budget } : {}),
  };
}

/** Records a finished (or restored) subtask's output where the report and later prompts read it. */
export function addOutput(state: RunState, subtask: number, output: unknown): void {
  state.outputs.set(subtask, output);
  state.scope[`subtask_${subtask}_output`] = output;
}

/** Appends an event to the run log, then tells the listener (progress output). */
export async function emit(state: RunState, event: RunEvent): Promise<void> {
  await state.directory.appendEvent(event);
  state.options.onEvent?.(event);
  addSpending(state.spending, event);
  if (event.type === 'model-call' || event.type === 'tool-call') checkBudget(state);
}

/** Stops the run when a budget has run out: running subtasks abort, no new one starts. */
export function checkBudget(state: RunState): void {
  if (state.stop || !state.options.budget) return;
  const stop = overBudget(state.options.budget, state.spending);
  if (!stop) return;
  state.stop = stop;
  state.controller.abort();
}
