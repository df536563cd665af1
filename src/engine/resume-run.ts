/**
 * Takes up a run that crashed, was killed (`kill -9` at any moment), failed or
 * stopped on its budget, from its directory alone: chain.md, input.json, run.json,
 * events.jsonl and the definitions copied at its start.
 *
 * A subtask is DONE when its output file exists (written atomically) and the log
 * has its `subtask-end`: it is restored, never run again (no model call). Every
 * other subtask runs as in a straight run, so the report is the one a straight run
 * would write (report.json equal apart from its `run` key). The run keeps its id;
 * new events are appended after a `run-resume` event; run.json's status follows.
 *
 * Options not given default to the ones run.json recorded (models, concurrency,
 * retries, budget, case). Approvals never carry over: see write-journal.ts.
 * Secrets in the input were redacted in input.json, so a resumed run sees them
 * redacted.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SubtaskProgress, ToolCallOutcome } from '../agent/index.js';
import { formatDiagnostic, WarroomError } from '../errors.js';
import { createRedactor } from '../fixture/index.js';
import type { ChainInput, PreparedChain } from '../preflight/index.js';
import { type JsonValue, parseJson } from '../schema/index.js';
import { chosenOptions, pendingCalls, restoreDecisions } from './decisions.js';
import { driveRun, writeRunRecord } from './drive-run.js';
import { costOf } from './model-prices.js';
import type { ModelOverrides } from './model-selection.js';
import { addSpending, noSpending } from './run-budget.js';
import {
  createRunState,
  type RunChainOptions,
  type RunChainResult,
  selectModels,
} from './run-chain.js';
import { preflightRunDefinitions } from './run-definitions.js';
import { reopenRunDirectory } from './run-directory.js';
import type { RunEvent } from './run-events.js';
import { type RunLog, readRunLog } from './run-log.js';
import { processAlive, type RunRecord, readRunRecord } from './run-record.js';
import { addOutput, emit, recordedOptions } from './run-state.js';
import type { SubtaskRecord } from './run-summary.js';
import { findInDoubtWrites, type InDoubtWrite } from './write-journal.js';

export interface ResumeRunOptions extends Omit<RunChainOptions, 'prepared' | 'out'> {
  /** The run directory, from anywhere. */
  directory?: string;
  /** Or the run id, under `<home>/runs/`. */
  runId?: string;
  /** Told about each problem tolerated on the way in (a truncated last log line). */
  onWarning?: (message: string) => void;
}

export interface ResumeRunResult extends RunChainResult {
  prepared: PreparedChain;
  /** Subtasks restored from the directory: not run again. */
  restored: number[];
  /** Write calls a crash left with an unknown outcome. */
  inDoubt: InDoubtWrite[];
  warnings: string[];
}

/** The run directory an id or path names. */
export function locateRunDirectory(options: {
  home: string;
  directory?: string;
  runId?: string;
}): string {
  if (options.directory !== undefined) return resolve(options.directory);
  const id = options.runId ?? '';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id) || id.includes('..')) {
    throw new WarroomError({
      code: 'USAGE',
      message: `"${id}" is not a run id; pass a run id (see warroom runs) or a run directory`,
      userError: true,
    });
  }
  return join(resolve(options.home), 'runs', id);
}

export async function resumeRun(options: ResumeRunOptions): Promise<ResumeRunResult> {
  const path = locateRunDirectory(options);
  const record = await readRunRecord(path);
  if (record.status === 'running' && record.pid !== process.pid && processAlive(record.pid)) {
    throw new WarroomError({
      code: 'USAGE',
      message: `run ${record.id} is still running (pid ${record.pid}); resume it once that process has ended`,
      userError: true,
    });
  }
  const log = await readRunLog(path);
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  log.warnings.forEach(warn);
  const { prepared, copied, diagnostics } = await preflightRunDefinitions(path, {
    originalChainFile: record.chain.file,
    input: await readRunInput(path, record),
    ...(options.tools ? { tools: options.tools } : {}),
  });
  if (!copied) {
    warn(
      `${path}: no copy of the definitions (a run from an older warroom); using the personas and schemas beside ${record.chain.file} as they are now`,
    );
  }
  if (!prepared) {
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    throw new WarroomError({
      code: 'PREFLIGHT_FAILED',
      message: `the run's chain no longer passes pre-flight:\n${errors.map(formatDiagnostic).join('\n')}`,
      userError: true,
    });
  }
  const runOptions = withRecordedDefaults(options, record, prepared);
  const models = selectModels(runOptions);
  const clock = options.clock ?? (() => new Date());
  const redactor = options.redactor ?? createRedactor({ env: process.env });
  const resumedAt = clock();
  const state = createRunState(runOptions, {
    redactor,
    directory: reopenRunDirectory({ path, runId: record.id, redactor }),
    clock,
    models,
    runId: record.id,
    startedAt: new Date(record.started_at),
    record: {
      id: record.id,
      chain: record.chain,
      input: record.input,
      started_at: record.started_at,
      pid: process.pid,
      resumes: [...(record.resumes ?? []), { at: resumedAt.toISOString(), pid: process.pid }],
      options: recordedOptions(runOptions),
      ...((options.invocation ?? record.invocation)
        ? { invocation: options.invocation ?? record.invocation }
        : {}),
    },
  });
  const restored = await restoreSubtasks(path, prepared, log, warn);
  for (const [number, output] of restored.outputs) {
    addOutput(state, number, output);
    state.started.add(number);
  }
  state.records = restored.records;
  state.spending = noSpending();
  for (const event of log.events) addSpending(state.spending, event);
  const done = new Set(restored.outputs.keys());
  state.inDoubt = findInDoubtWrites(log, done);
  // Answers given to earlier processes stand; paused subtasks go on from where they stopped.
  state.decisions = restoreDecisions(log.events);
  state.pendingCalls = pendingCalls(log.events);
  state.ranWrites = await readRanWrites(path, warn);
  for (const [subtask, option] of chosenOptions(state)) {
    state.scope[`subtask_${subtask}_decision`] = option;
  }
  state.paused = await readPausedSubtasks(path, prepared, done, warn);
  for (const event of log.events) {
    if (event.type === 'model-call' && state.paused.has(event.subtask)) {
      state.pausedModels.set(event.subtask, event.model);
    }
  }
  // Every folder a run writes whole files to (run.json, outputs, pending progress).
  for (const folder of [path, join(path, 'outputs'), join(path, 'pending')]) {
    await removeTemporaryFiles(folder);
  }
  if (log.unterminated) await state.directory.terminateEventLog();
  await writeRunRecord(state, 'running');
  await emit(state, {
    type: 'run-resume',
    at: resumedAt.toISOString(),
    runId: record.id,
    pid: process.pid,
    previousStatus: record.status,
    done: [...done].sort((a, b) => a - b),
    inDoubt: state.inDoubt.map(({ line: _line, ...write }) => write),
    ...(log.brokenLastLine ? { repairedLine: log.brokenLastLine } : {}),
  });
  const result = await driveRun(state);
  return {
    ...result,
    prepared,
    restored: [...done].sort((a, b) => a - b),
    inDoubt: state.inDoubt,
    warnings,
  };
}

async function readRunInput(path: string, record: RunRecord): Promise<ChainInput> {
  const file = join(path, 'input.json');
  const text = await readFile(file, 'utf8').catch((cause: unknown) => {
    throw new WarroomError({
      code: 'RUN_FAILED',
      file,
      message: 'the run directory has no input.json; it cannot be resumed',
      cause,
    });
  });
  const parsed = parseJson(text);
  if (!parsed.ok) {
    throw new WarroomError({
      code: 'RUN_FAILED',
      file,
      line: parsed.line,
      message: `input.json is not valid JSON: ${parsed.message}`,
    });
  }
  // Named as the original input, so the case name and messages stay the same.
  return { value: parsed.value, file: record.input, text, line: 1 };
}

/** What the caller passed, else what run.json recorded. */
function withRecordedDefaults(
  options: ResumeRunOptions,
  record: RunRecord,
  prepared: PreparedChain,
): RunChainOptions {
  const { directory: _directory, runId: _runId, onWarning: _onWarning, ...given } = options;
  const recorded = record.options;
  const subtaskOverrides =
    given.subtaskOverrides ??
    (recorded.subtaskOverrides
      ? new Map<number, ModelOverrides>(
          Object.entries(recorded.subtaskOverrides).map(([n, o]) => [Number(n), o]),
        )
      : undefined);
  const overrides = given.overrides ?? recorded.overrides;
  const concurrency = given.concurrency ?? recorded.concurrency;
  const repairAttempts = given.repairAttempts ?? recorded.repairAttempts;
  const stream = given.stream ?? recorded.stream;
  const caseName = given.caseName ?? recorded.caseName;
  const budget = { ...recorded.budget, ...given.budget };
  return {
    ...given,
    prepared,
    ...(overrides ? { overrides } : {}),
    ...(subtaskOverrides ? { subtaskOverrides } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(repairAttempts !== undefined ? { repairAttempts } : {}),
    retryPolicy: { ...recorded.retryPolicy, ...given.retryPolicy },
    ...(stream !== undefined ? { stream } : {}),
    ...(caseName !== undefined ? { caseName } : {}),
    ...(Object.keys(budget).length > 0 ? { budget } : {}),
  };
}

/** Outputs and metrics of the subtasks that are done: output file and `subtask-end` both present. */
async function restoreSubtasks(
  path: string,
  prepared: PreparedChain,
  log: RunLog,
  warn: (message: string) => void,
): Promise<{ outputs: Map<number, unknown>; records: Map<number, SubtaskRecord> }> {
  const models = new Map<number, string>();
  const ends = new Map<number, Extract<RunEvent, { type: 'subtask-end' }> & { model: string }>();
  for (const event of log.events) {
    if (event.type === 'subtask-start') models.set(event.subtask, event.model);
    if (event.type === 'subtask-end') {
      ends.set(event.subtask, { ...event, model: models.get(event.subtask) ?? 'unknown' });
    }
  }
  const outputs = new Map<number, unknown>();
  const records = new Map<number, SubtaskRecord>();
  for (const [number, item] of prepared.subtasks) {
    const end = ends.get(number);
    if (!end) continue;
    const name = `outputs/subtask-${number}.${item.output.kind === 'text' ? 'md' : 'json'}`;
    const text = await readFile(join(path, name), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    let output: unknown;
    if (item.output.kind === 'text') {
      output = text.endsWith('\n') ? text.slice(0, -1) : text;
    } else {
      const parsed = parseJson(text);
      if (!parsed.ok) {
        warn(
          `${join(path, name)}: not valid JSON (${parsed.message}); running subtask ${number} again`,
        );
        continue;
      }
      output = parsed.value;
    }
    outputs.set(number, output);
    records.set(number, {
      subtask: number,
      status: 'succeeded',
      model: end.model,
      turns: end.turns,
      durationMs: end.durationMs,
      usage: end.usage,
      costUsd: costOf(end.model, end.usage),
    });
  }
  return { outputs, records };
}

/**
 * The write calls earlier processes ran, from audit.jsonl (appended after a write
 * runs, before its `tool-call` event): each becomes the outcome a repeat of that call
 * gets instead of running again. A damaged line is skipped with a warning.
 */
async function readRanWrites(
  path: string,
  warn: (message: string) => void,
): Promise<Map<string, ToolCallOutcome>> {
  const ran = new Map<string, ToolCallOutcome>();
  const file = join(path, 'audit.jsonl');
  const text = await readFile(file, 'utf8').catch(() => '');
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const parsed = parseJson(line);
    const entry = parsed.ok ? (parsed.value as Record<string, JsonValue>) : undefined;
    if (!entry || typeof entry.toolCallId !== 'string' || typeof entry.tool !== 'string') {
      warn(`${file}:${index + 1}: not an audit entry; skipped`);
      return;
    }
    if (entry.status !== 'ok' && entry.status !== 'error') return;
    ran.set(`${entry.subtask}:${entry.toolCallId}`, {
      result: {
        type: 'tool-result',
        toolCallId: entry.toolCallId,
        toolName: entry.tool,
        output: entry.result ?? null,
        ...(entry.status === 'error' ? { isError: true } : {}),
      },
      status: entry.status,
      effect: 'write',
      ...(typeof entry.reason === 'string' ? { reason: entry.reason } : {}),
      durationMs: 0,
    });
  });
  return ran;
}

/** `pending/subtask-N.json` of subtasks not done: where each paused for a decision. */
async function readPausedSubtasks(
  path: string,
  prepared: PreparedChain,
  done: ReadonlySet<number>,
  warn: (message: string) => void,
): Promise<Map<number, SubtaskProgress>> {
  const paused = new Map<number, SubtaskProgress>();
  for (const number of prepared.subtasks.keys()) {
    if (done.has(number)) continue;
    const file = join(path, 'pending', `subtask-${number}.json`);
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const parsed = parseJson(text);
    if (parsed.ok && isProgress(parsed.value)) paused.set(number, parsed.value);
    else warn(`${file}: unreadable; subtask ${number} starts again from its first turn`);
  }
  return paused;
}

function isProgress(value: unknown): value is SubtaskProgress {
  if (value === null || typeof value !== 'object') return false;
  const entry = value as Record<string, unknown>;
  return (
    Array.isArray(entry.messages) &&
    entry.messages.length > 0 &&
    typeof entry.turn === 'number' &&
    Array.isArray(entry.results) &&
    typeof entry.usage === 'object'
  );
}

/** A process killed mid-checkpoint leaves its temporary file (never the output itself). */
async function removeTemporaryFiles(directory: string): Promise<void> {
  const names = await readdir(directory).catch(() => [] as string[]);
  for (const name of names.filter((entry) => entry.endsWith('.tmp'))) {
    await rm(join(directory, name), { force: true });
  }
}
