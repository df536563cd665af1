/**
 * Runs a prepared chain: subtasks as a DAG through p-queue (each starts the
 * moment its own dependencies finish), each through the agent loop, every
 * finished output checkpointed to the run directory, then the report.
 */
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import PQueue from 'p-queue';
import { runSubtask, type SubtaskAnswer } from '../agent/index.js';
import { WarroomError } from '../errors.js';
import type { PreparedChain, PreparedSubtask } from '../preflight/index.js';
import type { ModelProvider } from '../provider/spec.js';
import {
  buildReport,
  type Report,
  renderReportMarkdown,
  templateContext,
  validateReport,
} from '../report/index.js';
import { renderTemplate } from '../template/index.js';
import { type ModelOverrides, type SelectedModel, selectModel } from './model-selection.js';
import { createRunDirectory, newRunId, type RunDirectory } from './run-directory.js';
import type { RunEvent, UsageTotals } from './run-events.js';
import { recordSubtask, runSummary, type SubtaskRecord } from './run-summary.js';

export interface RunChainOptions {
  prepared: PreparedChain;
  providers: ReadonlyMap<string, ModelProvider>;
  overrides?: ModelOverrides;
  /** `$WARROOM_HOME`; runs go to `<home>/runs/<run-id>` unless `out` is given. */
  home: string;
  out?: string;
  clock?: () => Date;
  concurrency?: number;
  /** Repair turns per subtask when the output fails validation (default 1). */
  repairAttempts?: number;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}

export interface RunFailure {
  subtask?: number;
  code: string;
  message: string;
}

export interface RunChainResult {
  status: 'succeeded' | 'failed';
  runId: string;
  directory: string;
  report?: Report;
  reportFiles?: { json: string; markdown: string };
  failures: RunFailure[];
  subtasks: Map<number, SubtaskRecord>;
}

interface RunState {
  options: RunChainOptions;
  directory: RunDirectory;
  clock: () => Date;
  models: Map<number, SelectedModel>;
  outputs: Map<number, unknown>;
  records: Map<number, SubtaskRecord>;
  failures: RunFailure[];
  started: Set<number>;
  /** An error that is not a run failure (a bug): the run winds down, then runChain rethrows it. */
  crash?: { error: unknown };
}

/** Resolves every subtask's model first: an unavailable provider fails before any call. */
function selectModels(options: RunChainOptions): Map<number, SelectedModel> {
  const models = new Map<number, SelectedModel>();
  for (const [number, item] of options.prepared.subtasks) {
    models.set(
      number,
      selectModel(options.prepared, item, options.providers, options.overrides ?? {}),
    );
  }
  return models;
}

export async function runChain(options: RunChainOptions): Promise<RunChainResult> {
  const clock = options.clock ?? (() => new Date());
  const models = selectModels(options);
  const { chain } = options.prepared;
  const startedAt = clock();
  const runId = newRunId(chain.id, startedAt);
  const directory = await createRunDirectory({
    home: options.home,
    runId,
    ...(options.out ? { out: options.out } : {}),
  });
  const state: RunState = {
    options,
    directory,
    clock,
    models,
    outputs: new Map(),
    records: new Map(),
    failures: [],
    started: new Set(),
  };
  await writeRunFiles(state, 'running', startedAt);
  await emit(state, {
    type: 'run-start',
    at: startedAt.toISOString(),
    runId,
    chain: chain.id,
    version: chain.version,
    subtasks: options.prepared.graph.order,
  });

  const queue = new PQueue({ concurrency: options.concurrency ?? 4 });
  const schedule = (): void => {
    if (state.failures.length > 0 || state.crash || options.signal?.aborted) return;
    for (const number of options.prepared.graph.order) {
      const item = options.prepared.subtasks.get(number);
      if (
        !item ||
        state.started.has(number) ||
        !item.dependencies.every((d) => state.outputs.has(d))
      )
        continue;
      state.started.add(number);
      // Scheduling inside the task keeps the queue busy until dependents are queued.
      void queue.add(async () => {
        try {
          await executeSubtask(state, item);
        } catch (error) {
          // Caught here, not left to `void`: an unhandled rejection would kill the process.
          state.crash ??= { error };
          return;
        }
        schedule();
      });
    }
  };
  schedule();
  await queue.onIdle();
  if (state.crash) {
    await endRun(state, 'failed', startedAt);
    throw state.crash.error;
  }
  if (options.signal?.aborted && state.failures.length === 0) {
    state.failures.push({ code: 'ABORTED', message: 'the run was cancelled' });
  }
  const result =
    state.failures.length === 0 ? await finishReport(state, runId, startedAt) : undefined;
  const status = state.failures.length === 0 ? 'succeeded' : 'failed';
  await endRun(state, status, startedAt);
  return {
    status,
    runId,
    directory: directory.path,
    failures: state.failures,
    subtasks: state.records,
    ...result,
  };
}

async function endRun(
  state: RunState,
  status: 'succeeded' | 'failed',
  startedAt: Date,
): Promise<void> {
  const finishedAt = state.clock();
  await writeRunFiles(state, status, startedAt, finishedAt);
  const reason = state.failures.map((failure) => failure.message.split('\n')[0]).join('; ');
  await emit(state, {
    type: 'run-end',
    at: finishedAt.toISOString(),
    status,
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    ...(reason ? { reason } : {}),
  });
}

async function emit(state: RunState, event: RunEvent): Promise<void> {
  await state.directory.appendEvent(event);
  state.options.onEvent?.(event);
}

async function writeRunFiles(
  state: RunState,
  status: string,
  startedAt: Date,
  finishedAt?: Date,
): Promise<void> {
  const { chain, input } = state.options.prepared;
  if (status === 'running') {
    await state.directory.writeFile('chain.md', await readFile(chain.file, 'utf8'));
    await state.directory.writeJson('input.json', input.value);
  }
  await state.directory.writeJson('run.json', {
    id: state.directory.runId,
    status,
    chain: { id: chain.id, version: chain.version, file: chain.file },
    input: input.file,
    started_at: startedAt.toISOString(),
    ...(finishedAt ? { finished_at: finishedAt.toISOString() } : {}),
    ...(state.failures.length > 0 ? { failures: state.failures } : {}),
  });
}

async function executeSubtask(state: RunState, item: PreparedSubtask): Promise<void> {
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
    const answer = await askModel(state, item, selected, modelName);
    const file = await checkpoint(state, item, answer);
    const durationMs = state.clock().getTime() - started.getTime();
    state.outputs.set(number, answer.output);
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
    const failure = describeFailure(cause, number);
    // A bug is logged as this subtask's failure, then rethrown (runChain rethrows it).
    const logged = failure ?? {
      subtask: number,
      code: 'INTERNAL',
      message: `unexpected error: ${cause instanceof Error ? cause.message : String(cause)}`,
    };
    if (failure) state.failures.push(failure);
    const durationMs = state.clock().getTime() - started.getTime();
    state.records.set(number, recordSubtask(number, 'failed', modelName, undefined, durationMs));
    await emit(state, {
      type: 'subtask-fail',
      at: state.clock().toISOString(),
      subtask: number,
      code: logged.code,
      message: logged.message,
      durationMs,
    });
    if (!failure) throw cause;
  }
}

async function askModel(
  state: RunState,
  item: PreparedSubtask,
  selected: SelectedModel,
  modelName: string,
): Promise<SubtaskAnswer> {
  const { prepared } = state.options;
  const prompt = renderTemplate(
    item.template,
    templateContext(prepared.input.value, state.outputs),
  );
  const schemaFile = item.output.schemaSource === 'file' ? item.output.schemaFile : undefined;
  return runSubtask({
    run: prepared.chain.id,
    subtask: item.subtask.number,
    model: selected.model,
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
    ...(state.options.signal ? { signal: state.options.signal } : {}),
    clock: state.clock,
    onEvent: (event) => {
      const at = state.clock().toISOString();
      if (event.type === 'model-call') {
        const { result } = event;
        return emit(state, {
          type: 'model-call',
          at,
          subtask: event.subtask,
          turn: event.turn,
          model: modelName,
          durationMs: event.durationMs,
          finishReason: result.finishReason.unified,
          usage: usageOf(result.usage),
          ...(result.response.id ? { responseId: result.response.id } : {}),
        });
      }
      return emit(state, {
        type: 'output-invalid',
        at,
        subtask: event.subtask,
        turn: event.turn,
        violations: event.violations,
      });
    },
  });
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

function usageOf(usage: {
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}): Partial<UsageTotals> {
  return Object.fromEntries(Object.entries(usage).filter(([, value]) => value !== undefined));
}

async function checkpoint(
  state: RunState,
  item: PreparedSubtask,
  answer: SubtaskAnswer,
): Promise<string> {
  const number = item.subtask.number;
  const path =
    typeof answer.output === 'string' && item.output.kind === 'text'
      ? await state.directory.writeFile(
          `outputs/subtask-${number}.md`,
          `${answer.output.trimEnd()}\n`,
        )
      : await state.directory.writeJson(`outputs/subtask-${number}.json`, answer.output);
  return relative(state.directory.path, path);
}

/** A run failure, or undefined for an error that is a bug (it stays an exception). */
function describeFailure(cause: unknown, subtask?: number): RunFailure | undefined {
  if (WarroomError.isInstance(cause))
    return { code: cause.code, message: cause.located, ...(subtask ? { subtask } : {}) };
  if (cause instanceof Error && cause.name === 'AbortError')
    return { code: 'ABORTED', message: 'the run was cancelled', ...(subtask ? { subtask } : {}) };
  return undefined;
}

async function finishReport(
  state: RunState,
  runId: string,
  startedAt: Date,
): Promise<Pick<RunChainResult, 'report' | 'reportFiles'> | undefined> {
  const { prepared } = state.options;
  let report: Report;
  try {
    report = buildReport(prepared.aggregation, prepared.input.value, state.outputs);
  } catch (cause) {
    const failure = describeFailure(cause);
    if (!failure) throw cause;
    state.failures.push(failure);
    return undefined;
  }
  const finishedAt = state.clock();
  const full: Report = {
    ...report,
    run: runSummary({
      runId,
      chain: prepared.chain,
      startedAt,
      finishedAt,
      records: state.records,
    }),
  };
  const violations = validateReport(full, prepared.reportSchema, prepared.validator);
  const json = await state.directory.writeJson('report.json', full);
  const markdown = await state.directory.writeFile('report.md', renderReportMarkdown(full));
  await emit(state, {
    type: 'report-write',
    at: finishedAt.toISOString(),
    files: ['report.json', 'report.md'],
    valid: violations.length === 0,
  });
  if (violations.length > 0) {
    const lines = violations
      .map((violation) => `  ${violation.path}: ${violation.message}`)
      .join('\n');
    state.failures.push({
      code: 'REPORT_INVALID',
      message: `report.json does not match ${prepared.reportSchema?.file}:\n${lines}`,
    });
  }
  return { report: full, reportFiles: { json, markdown } };
}
