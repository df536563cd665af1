/**
 * One subtask inside a run: render its prompt, call its model through the retry
 * policy and the agent loop, checkpoint the output, log what happened.
 */
import { relative } from 'node:path';
import {
  runSubtask,
  type SubtaskAnswer,
  SubtaskPause,
  type SubtaskProgress,
} from '../agent/index.js';
import { WarroomError } from '../errors.js';
import type { PreparedSubtask } from '../preflight/index.js';
import { renderTemplate } from '../template/index.js';
import { toRunEvent } from './agent-events.js';
import { withFallback } from './fallback-model.js';
import type { SelectedModel } from './model-selection.js';
import { withResilience } from './resilient-model.js';
import { defaultRetryPolicy } from './retry-policy.js';
import type { RunFailure } from './run-chain.js';
import { addOutput, emit, type RunState } from './run-state.js';
import { recordSubtask } from './run-summary.js';
import { runLabel, toolSettings } from './subtask-tools.js';

export async function executeSubtask(state: RunState, item: PreparedSubtask): Promise<void> {
  const number = item.subtask.number;
  const selected = state.models.get(number) as SelectedModel;
  const modelName = `${selected.target.provider}/${selected.target.modelId}`;
  const started = state.clock();
  await emit(state, {
    type: 'subtask-start',
    at: started.toISOString(),
    subtask: number,
    persona: item.persona.id,
    model: modelName,
  });
  try {
    const answer = await askModel(state, item, selected);
    const file = await checkpoint(state, item, answer);
    const durationMs = state.clock().getTime() - started.getTime();
    addOutput(state, number, answer.output);
    state.records.set(number, recordSubtask(number, 'succeeded', modelName, answer, durationMs));
    await emit(state, {
      type: 'subtask-end',
      at: state.clock().toISOString(),
      subtask: number,
      status: 'succeeded',
      turns: answer.turns,
      durationMs,
      usage: answer.usage,
      output: file,
    });
  } catch (cause) {
    if (SubtaskPause.isPause(cause) && cause.progress) {
      // Not a failure: where it stopped is kept, and a resume goes on from there.
      await state.directory.writeJson(`pending/subtask-${number}.json`, cause.progress);
      await emit(state, {
        type: 'subtask-pause',
        at: state.clock().toISOString(),
        subtask: number,
        decision: cause.decision,
        durationMs: state.clock().getTime() - started.getTime(),
      });
      return;
    }
    const failure = describeFailure(cause, number);
    // A bug is logged as this subtask's failure, then rethrown (runChain rethrows it).
    const logged = failure ?? {
      subtask: number,
      code: 'INTERNAL',
      message: `unexpected error: ${cause instanceof Error ? cause.message : String(cause)}`,
    };
    // An optional subtask's failure is recorded and the run goes on without it; a
    // cancel or a spent budget is not a failure of the subtask, so it is not excused.
    const excused =
      failure !== undefined &&
      item.subtask.optional &&
      failure.code !== 'ABORTED' &&
      !state.stop &&
      !state.controller.signal.aborted;
    if (excused) {
      state.absent.set(number, {
        subtask: number,
        reason: 'failed',
        because: `failed: ${failure.message.split('\n')[0]}`,
      });
    } else if (failure) state.failures.push(failure);
    const durationMs = state.clock().getTime() - started.getTime();
    state.records.set(number, recordSubtask(number, 'failed', modelName, undefined, durationMs));
    await emit(state, {
      type: 'subtask-fail',
      at: state.clock().toISOString(),
      subtask: number,
      code: logged.code,
      message: logged.message,
      durationMs,
      ...(excused ? { optional: true } : {}),
    });
    if (!failure) throw cause;
  }
}

async function askModel(
  state: RunState,
  item: PreparedSubtask,
  selected: SelectedModel,
): Promise<SubtaskAnswer> {
  const { prepared } = state.options;
  const prompt = renderTemplate(item.template, state.scope);
  const schemaFile = item.output.schemaSource === 'file' ? item.output.schemaFile : undefined;
  const model = resilientModel(state, item.subtask.number, selected);
  return runSubtask({
    run: runLabel(state),
    subtask: item.subtask.number,
    model,
    system: item.persona.systemPrompt,
    prompt,
    output: { kind: item.output.kind, ...(schemaFile ? { schema: schemaFile } : {}) },
    responseFormat:
      item.output.kind === 'json' && item.output.schemaSource === 'file' && item.output.schema
        ? {
            type: 'json',
            schema: item.output.schema,
            name: `subtask_${item.subtask.number}_output`,
          }
        : item.output.kind === 'json'
          ? { type: 'json' }
          : { type: 'text' },
    sampling: samplingOf(selected),
    repairAttempts:
      item.subtask.retries ?? prepared.chain.retries ?? state.options.repairAttempts ?? 1,
    validator: prepared.validator,
    // The run's own signal: the caller's cancel, or a run budget running out.
    signal: state.controller.signal,
    clock: state.clock,
    ...toolSettings(state, item, selected),
    // The model in use: after a fallback, calls are priced and logged as the fallback's.
    onEvent: (event) =>
      emit(
        state,
        toRunEvent(event, state.clock().toISOString(), `${model.provider}/${model.modelId}`),
      ),
    // A subtask that paused for a decision goes on from where it stopped.
    ...pausedAt(state, item.subtask.number),
  });
}

function pausedAt(state: RunState, subtask: number): { resume?: SubtaskProgress } {
  const progress = state.paused.get(subtask);
  return progress ? { resume: progress } : {};
}

function samplingOf(selected: SelectedModel): {
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
} {
  const { temperature, topP, maxOutputTokens } = selected.settings;
  return {
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
  };
}

async function checkpoint(
  state: RunState,
  item: PreparedSubtask,
  answer: SubtaskAnswer,
): Promise<string> {
  const number = item.subtask.number;
  // The text exactly as answered plus one newline, so a resume reads back the same output.
  const path =
    typeof answer.output === 'string' && item.output.kind === 'text'
      ? await state.directory.writeFile(`outputs/subtask-${number}.md`, `${answer.output}\n`)
      : await state.directory.writeJson(`outputs/subtask-${number}.json`, answer.output);
  return relative(state.directory.path, path);
}

/** A run failure, or undefined for an error that is a bug (it stays an exception). */
export function describeFailure(cause: unknown, subtask?: number): RunFailure | undefined {
  if (WarroomError.isInstance(cause))
    return { code: cause.code, message: cause.located, ...(subtask ? { subtask } : {}) };
  if (cause instanceof Error && cause.name === 'AbortError')
    return { code: 'ABORTED', message: 'the run was cancelled', ...(subtask ? { subtask } : {}) };
  return undefined;
}

/**
 * The subtask's model, then its fallbacks, each behind the run's retry policy; each
 * retry and each switch to a fallback is logged.
 */
function resilientModel(state: RunState, subtask: number, selected: SelectedModel) {
  const { options } = state;
  const resilient = (model: SelectedModel['model']) =>
    withResilience(model, {
      policy: { ...defaultRetryPolicy, ...options.retryPolicy },
      ...(options.stream ? { stream: true } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      onRetry: (notice) =>
        emit(state, { type: 'model-retry', at: state.clock().toISOString(), subtask, ...notice }),
    });
  // A paused subtask that had fallen back goes on with the fallback: one conversation, one model.
  const resumedOn = state.pausedModels.get(subtask);
  const targets = [selected.target, ...selected.fallbacks.map((fallback) => fallback.target)];
  const startAt = targets.findIndex(
    (target) => `${target.provider}/${target.modelId}` === resumedOn,
  );
  return withFallback(
    { model: resilient(selected.model), target: selected.target },
    selected.fallbacks.map((fallback) => ({
      model: resilient(fallback.model),
      target: fallback.target,
    })),
    {
      ...(startAt > 0 ? { startAt } : {}),
      onFallback: (notice) =>
        emit(state, {
          type: 'model-fallback',
          at: state.clock().toISOString(),
          subtask,
          ...notice,
        }),
    },
  );
}
