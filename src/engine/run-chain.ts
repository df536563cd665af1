/**
 * Runs a prepared chain: subtasks as a DAG through p-queue (each starts the
 * moment its own dependencies finish), each through the agent loop, every
 * finished output checkpointed to the run directory, then the report.
 */
import { readFile } from 'node:fs/promises';
import PQueue from 'p-queue';
import { WarroomError } from '../errors.js';
import { createRedactor, type RecordedToolResults, type Redactor } from '../fixture/index.js';
import type { PreparedChain } from '../preflight/index.js';
import type { ModelProvider } from '../provider/spec.js';
import { buildReport, type Report, renderReportMarkdown, validateReport } from '../report/index.js';
import type { JsonValue } from '../schema/index.js';
import type { Tool, ToolRegistry } from '../tools/index.js';
import { type ModelOverrides, type SelectedModel, selectModel } from './model-selection.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';
import { createRunDirectory, newRunId } from './run-directory.js';
import type { RunEvent } from './run-events.js';
import { emit, type RunState } from './run-state.js';
import { runSummary, type SubtaskRecord } from './run-summary.js';
import { describeFailure, executeSubtask } from './subtask-runner.js';

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
  /** Per-subtask overrides (re-recording one subtask live while the rest replay). */
  subtaskOverrides?: ReadonlyMap<number, ModelOverrides>;
  /** Retry and timeout policy for every model call; defaults in retry-policy.ts. */
  retryPolicy?: Partial<RetryPolicy>;
  /** Call models through their streaming API (the result is the same). */
  stream?: boolean;
  /** Seeded randomness for retry jitter and an injectable sleep, for tests. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Names this run's case (its input) in fixture labels: `<chain-id>/<case>`. */
  caseName?: string;
  /** The tools personas may list; none when absent. */
  tools?: ToolRegistry;
  /** Write tools approved for this run (`--approve`). */
  approvals?: ReadonlySet<string>;
  /** Asks a person to approve a write tool call not approved up front. */
  confirm?: (tool: Tool, input: JsonValue) => Promise<boolean>;
  /** Recorded tool results, for subtasks played back from fixtures. */
  recordedToolResults?: RecordedToolResults;
  /** Keeps secrets out of the run's files (default: built-in patterns and secret env values). */
  redactor?: Redactor;
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

function selectModels(options: RunChainOptions): Map<number, SelectedModel> {
  const models = new Map<number, SelectedModel>();
  for (const [number, item] of options.prepared.subtasks) {
    const overrides = options.subtaskOverrides?.get(number) ?? options.overrides ?? {};
    models.set(number, selectModel(options.prepared, item, options.providers, overrides));
  }
  const checked = new Set<string>();
  for (const selected of models.values()) {
    if (checked.has(selected.executor.id)) continue;
    checked.add(selected.executor.id);
    const check = selected.executor.checkConfiguration?.() ?? { ok: true };
    if (!check.ok) {
      throw new WarroomError({
        code: 'USAGE',
        message: `${selected.executor.id}: ${check.message}`,
        userError: true,
      });
    }
  }
  return models;
}

export async function runChain(options: RunChainOptions): Promise<RunChainResult> {
  const clock = options.clock ?? (() => new Date());
  const models = selectModels(options);
  const { chain } = options.prepared;
  const startedAt = clock();
  const runId = newRunId(chain.id, startedAt);
  const redactor = options.redactor ?? createRedactor({ env: process.env });
  const directory = await createRunDirectory({
    home: options.home,
    runId,
    redactor,
    ...(options.out ? { out: options.out } : {}),
  });
  const state: RunState = {
    options,
    redactor,
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
    retryPolicy: { ...defaultRetryPolicy, ...options.retryPolicy },
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
  return { report: state.redactor.redactValue(full), reportFiles: { json, markdown } };
}
