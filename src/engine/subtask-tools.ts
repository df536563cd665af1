/**
 * The tools a subtask's persona may use, as a session for the agent loop: live
 * (allowlist, input validation, write approval) or, when the call is played back
 * from fixtures, the recorded results (tools never run under replay). Live results
 * are redacted before the model sees them, large results go to the run's
 * artifacts, and every write-tool call is appended to the run's audit log.
 */
import {
  createLiveToolSession,
  createPlaybackToolSession,
  defaultMaxTurns,
  type SubtaskCall,
  type ToolCallOutcome,
  type ToolSession,
} from '../agent/index.js';
import type { PreparedSubtask } from '../preflight/index.js';
import type { ToolCallPart } from '../provider/spec.js';
import type { ToolArtifactWriter } from '../tools/index.js';
import { approvalHook } from './decisions.js';
import type { SelectedModel } from './model-selection.js';
import type { RunState } from './run-state.js';
import { callInputHash, inDoubtRefusal } from './write-journal.js';

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
  const live = createLiveToolSession({
    // Write tools journaled: each logs `tool-call-start` before it runs.
    registry: state.tools ?? registry,
    allowed: item.persona.tools,
    approvals: options.approvals ?? new Set(),
    // Not approved up front: --decide, a person at the terminal, or the run waits.
    confirm: approvalHook(state, item.subtask.number),
    context: { ...label, artifacts: artifactWriter(state, item.subtask.number) },
  });
  return { ...limits, tools: guarded(state, item.subtask.number, live) };
}

function artifactWriter(state: RunState, subtask: number): ToolArtifactWriter {
  return {
    write: (name, content) => {
      const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^\.+/, '') || 'artifact';
      const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
      return state.directory.writeFile(`artifacts/subtask-${subtask}/${safe}`, text);
    },
  };
}

/** Redacts every result before the model sees it; audits every write-tool call. */
function guarded(state: RunState, subtask: number, session: ToolSession): ToolSession {
  return {
    definitions: session.definitions,
    async execute(call, context) {
      // A write an earlier process ran is answered from its audit entry, never run again.
      const ran = state.ranWrites.get(`${subtask}:${call.toolCallId}`);
      if (ran) return ran;
      const outcome = state.redactor.redactValue(
        inDoubtOutcome(state, subtask, call) ?? (await session.execute(call, context)),
      );
      if (outcome.effect === 'write') {
        await state.directory.appendAudit({
          at: state.clock().toISOString(),
          subtask,
          turn: context.turn,
          tool: call.toolName,
          toolCallId: call.toolCallId,
          input: call.input,
          status: outcome.status,
          ...(outcome.reason ? { reason: outcome.reason } : {}),
          result: outcome.result.output,
        });
      }
      return outcome;
    },
  };
}

/** A refusal for a write a crash left in doubt, unless the operator approved the tool again. */
function inDoubtOutcome(
  state: RunState,
  subtask: number,
  call: ToolCallPart,
): ToolCallOutcome | undefined {
  if (state.inDoubt.length === 0 || state.options.approvals?.has(call.toolName)) return undefined;
  const hash = callInputHash(call);
  const write = state.inDoubt.find(
    (entry) =>
      entry.subtask === subtask && entry.tool === call.toolName && entry.inputHash === hash,
  );
  return write ? inDoubtRefusal(call, write) : undefined;
}
