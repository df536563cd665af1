/**
 * The tools a subtask's persona may use, as a session for the agent loop: live
 * (allowlist, input validation, write approval) or, when the call is played back
 * from fixtures, the recorded results (tools never run under replay).
 */
import {
  createLiveToolSession,
  createPlaybackToolSession,
  defaultMaxTurns,
  type SubtaskCall,
} from '../agent/index.js';
import type { PreparedSubtask } from '../preflight/index.js';
import type { SelectedModel } from './model-selection.js';
import type { RunState } from './run-state.js';

/** `<chain-id>` or `<chain-id>/<case>`: the run part of every call label. */
export function runLabel(state: RunState): string {
  const { chain } = state.options.prepared;
  return state.options.caseName ? `${chain.id}/${state.options.caseName}` : chain.id;
}

export function toolSettings(
  state: RunState,
  item: PreparedSubtask,
  selected: SelectedModel,
): Pick<SubtaskCall, 'tools' | 'maxTurns' | 'tokenBudget'> {
  const { options } = state;
  const repairs =
    item.subtask.retries ?? options.prepared.chain.retries ?? options.repairAttempts ?? 1;
  const limits = {
    maxTurns: item.persona.maxTurns ?? Math.max(defaultMaxTurns, repairs + 1),
    ...(item.persona.tokenBudget !== undefined ? { tokenBudget: item.persona.tokenBudget } : {}),
  };
  const registry = options.tools;
  if (!registry || item.persona.tools.length === 0) return limits;
  const label = { run: runLabel(state), subtask: item.subtask.number };
  if (selected.executor.id === 'replay' && options.recordedToolResults) {
    const definitions = registry.definitionsFor(item.persona.tools);
    return {
      ...limits,
      tools: createPlaybackToolSession({
        definitions,
        recorded: options.recordedToolResults,
        label,
      }),
    };
  }
  return {
    ...limits,
    tools: createLiveToolSession({
      registry,
      allowed: item.persona.tools,
      approvals: options.approvals ?? new Set(),
      ...(options.confirm ? { confirm: options.confirm } : {}),
      context: label,
    }),
  };
}
