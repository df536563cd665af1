/**
 * Human decisions inside a run: a decision point after a subtask (choose a
 * recovery strategy) and a write tool's approval go through one mechanism. The
 * answer comes from `--decide` (given up front or on resume), else from a person
 * at the terminal, else the run stops `awaiting-decision` with the question in its
 * log; `warroom resume <run> --decide …` continues it. Every answer is a `decision`
 * event, restored on resume, and listed in the report.
 */
import { SubtaskPause, type WriteCall } from '../agent/index.js';
import type { DecisionOption } from '../chain/index.js';
import { WarroomError } from '../errors.js';
import type { PreparedSubtask } from '../preflight/index.js';
import type { JsonValue } from '../schema/index.js';
import type { Tool } from '../tools/index.js';
import type { RunEvent } from './run-events.js';
import { emit, type RunState } from './run-state.js';

export type DecisionKind = 'choice' | 'approval';

/** What a person is asked. */
export interface DecisionRequest {
  /** `3` for subtask 3's decision point; `3:create_pull_request` for a write tool's approval. */
  id: string;
  subtask: number;
  kind: DecisionKind;
  question: string;
  options: DecisionOption[];
  /** Approvals: the call waiting for it. */
  tool?: string;
  toolCallId?: string;
  input?: JsonValue;
}

export interface RecordedDecision {
  id: string;
  subtask: number;
  kind: DecisionKind;
  question: string;
  /** The option chosen. */
  option: DecisionOption;
  /** `flag`: --decide; `operator`: answered at the terminal. */
  by: 'flag' | 'operator';
  toolCallId?: string;
}

export const approvalOptions: DecisionOption[] = [
  { id: 'approve', description: 'run the call as shown' },
  { id: 'deny', description: 'refuse it; the model is told and goes on without it' },
];

export function approvalId(subtask: number, tool: string): string {
  return `${subtask}:${tool}`;
}

/** The options of a decision point: as written, or read from the subtask's output. */
export function decisionOptions(item: PreparedSubtask, output: unknown): DecisionOption[] {
  const decision = item.subtask.decision;
  if (!decision) return [];
  if (decision.options) return decision.options;
  let value: unknown = output;
  for (const key of decision.optionsFrom ?? []) {
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  const options = Array.isArray(value) ? value.map(asOption) : [];
  if (options.length === 0 || options.some((option) => option === undefined)) {
    throw new WarroomError({
      code: 'DECISION_NEEDED',
      subtask: item.subtask.number,
      message: `subtask ${item.subtask.number}: decision.options_from "${decision.optionsFrom?.join('.')}" is not a list of options ({"id": …, "description": …, "risk": …}) in its output`,
    });
  }
  return options as DecisionOption[];
}

function asOption(value: unknown): DecisionOption | undefined {
  if (typeof value === 'string' && value.trim() !== '') return { id: value };
  if (value === null || typeof value !== 'object') return undefined;
  const entry = value as Record<string, unknown>;
  const id = entry.id ?? entry.option ?? entry.name;
  if (typeof id !== 'string' || id.trim() === '') return undefined;
  const text = (field: unknown) => (typeof field === 'string' ? field : undefined);
  const description = text(entry.description) ?? text(entry.summary);
  const risk = text(entry.risk);
  return { id, ...(description ? { description } : {}), ...(risk ? { risk } : {}) };
}

/** True when the subtask is done for its dependents: output written and, at a decision point, decided. */
export function settled(state: RunState, subtask: number): boolean {
  if (!state.outputs.has(subtask)) return false;
  const item = state.options.prepared.subtasks.get(subtask);
  return !item?.subtask.decision || state.decisions.has(String(subtask));
}

/** Decides a decision point whose subtask has finished: flag, terminal, or the run waits. */
export async function decidePoint(state: RunState, item: PreparedSubtask): Promise<void> {
  const number = item.subtask.number;
  // Answered by an earlier process: the answer stands (and later prompts already used it).
  if (state.decisions.has(String(number))) return;
  const request: DecisionRequest = {
    id: String(number),
    subtask: number,
    kind: 'choice',
    question: item.subtask.decision?.question ?? '',
    options: decisionOptions(item, state.outputs.get(number)),
  };
  const answer = await answerOf(state, request);
  if (answer) await record(state, request, answer.option, answer.by);
}

/**
 * The approval hook of a live write call not approved up front (`--approve`). Throws a
 * SubtaskPause when nobody can answer now: the subtask waits, the run stops resumable.
 */
export function approvalHook(state: RunState, subtask: number) {
  return async (tool: Tool, input: JsonValue, call: WriteCall): Promise<boolean> => {
    const id = approvalId(subtask, tool.name);
    const request: DecisionRequest = {
      id,
      subtask,
      kind: 'approval',
      question: `Run write tool ${tool.name} with this input?`,
      options: approvalOptions,
      tool: tool.name,
      toolCallId: call.toolCallId,
      input: state.redactor.redactValue(input),
    };
    const earlier = state.decisions.get(id);
    if (earlier?.toolCallId === call.toolCallId) return earlier.option.id === 'approve';
    const answer = await answerOf(state, request);
    if (!answer) {
      const pause = new SubtaskPause({
        subtask,
        decision: id,
        message: `subtask ${subtask}: write tool ${tool.name} is waiting for approval; continue with warroom resume <run> --decide ${id}=approve (or =deny)`,
      });
      throw pause;
    }
    await record(state, request, answer.option, answer.by, call.toolCallId);
    return answer.option.id === 'approve';
  };
}

async function answerOf(
  state: RunState,
  request: DecisionRequest,
): Promise<{ option: DecisionOption; by: RecordedDecision['by'] } | undefined> {
  const given = flagFor(state, request);
  const chosen = given === undefined ? undefined : findOption(request.options, given);
  if (chosen) {
    state.flagsUsed.add(request.id);
    return { option: chosen, by: 'flag' };
  }
  const { decide, confirm } = state.options;
  if (decide) {
    const id = await oneAtATime(state, () => decide(request));
    const option = findOption(request.options, id);
    if (option) return { option, by: 'operator' };
  } else if (confirm && request.kind === 'approval' && request.tool) {
    // A caller that only knows yes/no questions (the library's older hook).
    const tool = state.tools?.get(request.tool);
    if (tool) {
      const yes = await oneAtATime(state, () => confirm(tool, request.input ?? {}));
      return { option: approvalOptions[yes ? 0 : 1] as DecisionOption, by: 'operator' };
    }
  }
  await wait(state, request, given);
  return undefined;
}

/**
 * The `--decide` answer for this question. An approval's answer approves one call:
 * the call the run was waiting for when it stopped, or — given up front — the first
 * call of that tool; a later call of the same tool, with whatever input, is asked
 * again (`--approve <tool>` is the way to allow every call).
 */
function flagFor(state: RunState, request: DecisionRequest): string | undefined {
  const given = state.options.decisions?.get(request.id);
  if (given === undefined || request.kind !== 'approval') return given;
  const waitedFor = state.pendingCalls.get(request.id);
  if (waitedFor !== undefined) return waitedFor === request.toolCallId ? given : undefined;
  return state.flagsUsed.has(request.id) ? undefined : given;
}

/** Questions to a person go one at a time: two prompts on one terminal would share a keystroke. */
function oneAtATime<T>(state: RunState, ask: () => Promise<T>): Promise<T> {
  const turn = state.asking.then(ask, ask);
  state.asking = turn.then(
    () => undefined,
    () => undefined,
  );
  return turn;
}

/** The option an answer names (case aside; y/yes and n/no for approve and deny). */
export function findOption(options: DecisionOption[], id: string): DecisionOption | undefined {
  const wanted = normalizeAnswer(id);
  return options.find((option) => option.id.toLowerCase() === wanted);
}

/** `yes`/`y` approve and `no`/`n` deny, as a person would type them. */
function normalizeAnswer(id: string): string {
  const text = id.trim().toLowerCase();
  if (text === 'yes' || text === 'y') return 'approve';
  if (text === 'no' || text === 'n') return 'deny';
  return text;
}

async function wait(state: RunState, request: DecisionRequest, given: string | undefined) {
  state.awaiting.set(request.id, request);
  await emit(state, {
    type: 'decision-request',
    at: state.clock().toISOString(),
    subtask: request.subtask,
    decision: request.id,
    kind: request.kind,
    question: request.question,
    options: request.options,
    ...(request.tool ? { tool: request.tool } : {}),
    ...(request.toolCallId ? { toolCallId: request.toolCallId } : {}),
    ...(request.input !== undefined ? { input: request.input } : {}),
    ...(given !== undefined
      ? {
          rejected: `--decide ${request.id}=${given} is not one of: ${request.options.map((option) => option.id).join(', ')}`,
        }
      : {}),
  });
}

async function record(
  state: RunState,
  request: DecisionRequest,
  option: DecisionOption,
  by: RecordedDecision['by'],
  toolCallId?: string,
): Promise<void> {
  const decision: RecordedDecision = {
    id: request.id,
    subtask: request.subtask,
    kind: request.kind,
    question: request.question,
    option,
    by,
    ...(toolCallId ? { toolCallId } : {}),
  };
  state.decisions.set(request.id, decision);
  if (decision.kind === 'choice') state.scope[`subtask_${decision.subtask}_decision`] = option;
  state.awaiting.delete(request.id);
  await emit(state, { type: 'decision', at: state.clock().toISOString(), ...decision });
}

/**
 * Decisions a run's log holds, for a resume. An approval whose call has since run
 * is spent: should the same call come again (a crash before its subtask ended), it
 * is asked again rather than run twice on an old answer.
 */
/** The call each open approval of a stopped run waits for: `--decide` on resume answers that one. */
export function pendingCalls(events: readonly RunEvent[]): Map<string, string> {
  const pending = new Map<string, string>();
  for (const event of events) {
    if (event.type === 'decision-request' && event.toolCallId)
      pending.set(event.decision, event.toolCallId);
    if (event.type === 'decision') pending.delete(event.id);
  }
  return pending;
}

export function restoreDecisions(events: readonly RunEvent[]): Map<string, RecordedDecision> {
  const decisions = new Map<string, RecordedDecision>();
  const ran = new Set<string>();
  for (const event of events) {
    if (event.type === 'tool-call' && event.status !== 'refused') ran.add(event.toolCallId);
  }
  for (const event of events) {
    if (event.type !== 'decision') continue;
    const { type: _type, at: _at, ...decision } = event;
    if (decision.kind === 'approval' && decision.toolCallId && ran.has(decision.toolCallId)) {
      decisions.delete(decision.id);
      continue;
    }
    decisions.set(decision.id, decision);
  }
  return decisions;
}

/** The chosen option of each decided decision point, for templates (`subtask_N_decision`). */
export function chosenOptions(state: RunState): Map<number, DecisionOption> {
  const chosen = new Map<number, DecisionOption>();
  for (const decision of state.decisions.values()) {
    if (decision.kind === 'choice') chosen.set(decision.subtask, decision.option);
  }
  return chosen;
}
