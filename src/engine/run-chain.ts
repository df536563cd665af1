/**
 * Starts a run of a prepared chain: the run directory (chain, input, a copy of the
 * definitions, run.json), then drive-run.ts runs the subtask DAG and the report.
 * resume-run.ts takes an interrupted run up again from its directory.
 */
import { readFile } from 'node:fs/promises';
import { WarroomError } from '../errors.js';
import { createRedactor, type RecordedToolResults, type Redactor } from '../fixture/index.js';
import type { PreparedChain } from '../preflight/index.js';
import type { ModelProvider } from '../provider/spec.js';
import { type Report, templateContext } from '../report/index.js';
import type { JsonValue } from '../schema/index.js';
import type { Tool, ToolRegistry } from '../tools/index.js';
import { checkDecisionFlags } from './decide-flags.js';
import type { DecisionRequest, RecordedDecision } from './decisions.js';
import { driveRun, writeRunRecord } from './drive-run.js';
import { type ModelOverrides, type SelectedModel, selectModel } from './model-selection.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';
import { noSpending, type RunBudget, type RunStop } from './run-budget.js';
import { writeDefinitions } from './run-definitions.js';
import { createRunDirectory, newRunId } from './run-directory.js';
import type { RunEvent } from './run-events.js';
import type { RunStatus } from './run-record.js';
import { type AbsentSubtask, emit, type RunState, recordedOptions } from './run-state.js';
import type { SubtaskRecord } from './run-summary.js';
import { inputHash, journaledRegistry } from './write-journal.js';

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
  /**
   * Where the run's files go: the durable run directory by default; the benchmark
   * passes createMemoryRunDirectory to measure the engine without the disk.
   */
  runDirectory?: typeof createRunDirectory;
  /** The tools personas may list; none when absent. */
  tools?: ToolRegistry;
  /** Write tools approved for this run (`--approve`). */
  approvals?: ReadonlySet<string>;
  /** Asks a person to approve a write tool call not approved up front (yes/no only; see `decide`). */
  confirm?: (tool: Tool, input: JsonValue) => Promise<boolean>;
  /** Answers given up front (`--decide 3=rollback`, `--decide 3:create_pull_request=approve`). */
  decisions?: ReadonlyMap<string, string>;
  /**
   * Asks a person (decision points and write approvals), returning an option id. Absent
   * (no terminal): a question without a `decisions` answer stops the run `awaiting-decision`.
   */
  decide?: (request: DecisionRequest) => Promise<string>;
  /** Recorded tool results, for subtasks played back from fixtures. */
  recordedToolResults?: RecordedToolResults;
  /** Keeps secrets out of the run's files (default: built-in patterns and secret env values). */
  redactor?: Redactor;
  /** Hard limits for the whole run; running out stops it (status `stopped`, resumable). */
  budget?: RunBudget;
  /**
   * How the caller started the run (the CLI: provider flags, fixtures, config), kept
   * in run.json as given so a resume can start the same way. Never put secrets here.
   */
  invocation?: Record<string, JsonValue>;
}

export interface RunFailure {
  subtask?: number;
  code: string;
  message: string;
}

export interface RunChainResult {
  status: Exclude<RunStatus, 'running'>;
  runId: string;
  directory: string;
  report?: Report;
  reportFiles?: { json: string; markdown: string };
  failures: RunFailure[];
  /** Optional or severity-gated subtasks the run finished without, and why. */
  absent: AbsentSubtask[];
  subtasks: Map<number, SubtaskRecord>;
  /** Why a `stopped` run stopped: the budget that ran out. */
  stop?: RunStop;
  /** What an `awaiting-decision` run waits for. */
  awaiting: DecisionRequest[];
  /** Every decision taken in the run, earlier processes included. */
  decisions: RecordedDecision[];
}

/**
 * Resolves every subtask's model first, and checks each provider's configuration:
 * an unavailable provider or a missing key fails before any call.
 */
export function selectModels(options: RunChainOptions): Map<number, SelectedModel> {
  checkDecisions(options);
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

/** `--decide` answers that cannot apply to this chain are a usage error before any call. */
function checkDecisions(options: RunChainOptions): void {
  if (!options.decisions || options.decisions.size === 0) return;
  const isWrite = (name: string) => options.tools?.get(name)?.effect === 'write';
  const problems = checkDecisionFlags(options.prepared, options.decisions, isWrite);
  if (problems.length === 0) return;
  throw new WarroomError({ code: 'USAGE', message: problems.join('\n'), userError: true });
}

export async function runChain(options: RunChainOptions): Promise<RunChainResult> {
  const clock = options.clock ?? (() => new Date());
  const models = selectModels(options);
  const { chain, input } = options.prepared;
  const startedAt = clock();
  const runId = newRunId(chain.id, startedAt);
  const redactor = options.redactor ?? createRedactor({ env: process.env });
  const directory = await (options.runDirectory ?? createRunDirectory)({
    home: options.home,
    runId,
    redactor,
    ...(options.out ? { out: options.out } : {}),
  });
  const state = createRunState(options, {
    redactor,
    directory,
    clock,
    models,
    runId,
    startedAt,
    record: {
      id: runId,
      chain: { id: chain.id, version: chain.version, file: chain.file },
      input: input.file,
      started_at: startedAt.toISOString(),
      pid: process.pid,
      options: recordedOptions(options),
      ...(options.invocation ? { invocation: options.invocation } : {}),
    },
  });
  // Everything a resume needs is on disk before run.json says the run exists.
  const chainSource = await readFile(chain.file, 'utf8');
  await writeDefinitions(directory, options.prepared, chainSource);
  await directory.writeFile('chain.md', chainSource);
  await directory.writeJson('input.json', input.value);
  await writeRunRecord(state, 'running');
  await emit(state, {
    type: 'run-start',
    at: startedAt.toISOString(),
    runId,
    chain: chain.id,
    version: chain.version,
    subtasks: options.prepared.graph.order,
    retryPolicy: { ...defaultRetryPolicy, ...options.retryPolicy },
  });
  return driveRun(state);
}

/** A fresh state; a resume then restores what earlier processes finished. */
export function createRunState(
  options: RunChainOptions,
  parts: Pick<
    RunState,
    'redactor' | 'directory' | 'clock' | 'models' | 'runId' | 'startedAt' | 'record'
  >,
): RunState {
  const state: RunState = {
    ...parts,
    options,
    outputs: new Map(),
    scope: templateContext(options.prepared.input.value, new Map()),
    records: new Map(),
    failures: [],
    absent: new Map(),
    decisions: new Map(),
    awaiting: new Map(),
    asked: new Set(),
    pendingCalls: new Map(),
    flagsUsed: new Set(),
    asking: Promise.resolve(),
    ranWrites: new Map(),
    paused: new Map(),
    pausedModels: new Map(),
    started: new Set(),
    controller: new AbortController(),
    spending: noSpending(),
    inDoubt: [],
  };
  if (options.tools) {
    state.tools = journaledRegistry(options.tools, (tool, input, context) =>
      emit(state, {
        type: 'tool-call-start',
        at: state.clock().toISOString(),
        subtask: context.subtask,
        turn: context.turn ?? 0,
        toolCallId: context.toolCallId ?? '',
        tool: tool.name,
        inputHash: inputHash(input),
      }),
    );
  }
  return state;
}
