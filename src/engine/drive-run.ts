/**
 * Drives a run whose directory is set up, new or resumed: subtasks as a DAG through
 * p-queue (each starts the moment its own dependencies are done; subtasks a resumed
 * run restored count as done), then the report, run.json and the `run-end` event.
 */
import PQueue from 'p-queue';
import type { PreparedSubtask } from '../preflight/index.js';
import {
  buildReport,
  type MissingSubtask,
  type Report,
  renderReportMarkdown,
  validateReport,
} from '../report/index.js';
import { chosenOptions, decidePoint, type RecordedDecision, settled } from './decisions.js';
import type { RunChainResult } from './run-chain.js';
import type { RunStatus } from './run-record.js';
import { checkBudget, emit, type RunState } from './run-state.js';
import { runSummary, subtaskActivity } from './run-summary.js';
import { type Gate, gateSubtask } from './subtask-gates.js';
import { describeFailure, executeSubtask } from './subtask-runner.js';

export async function driveRun(state: RunState): Promise<RunChainResult> {
  const { options } = state;
  const onCancel = () => state.controller.abort();
  if (options.signal?.aborted) onCancel();
  options.signal?.addEventListener('abort', onCancel, { once: true });
  // A resumed run may already have spent its budget.
  checkBudget(state);
  const queue = new PQueue({ concurrency: options.concurrency ?? 4 });
  const schedule = (): void => {
    if (state.failures.length > 0 || state.crash || state.controller.signal.aborted) return;
    for (const number of options.prepared.graph.order) {
      const item = options.prepared.subtasks.get(number);
      if (item?.subtask.decision && state.outputs.has(number) && !state.asked.has(number)) {
        state.asked.add(number);
        void queue.add(() => guard(() => decideOrFail(state, item)));
      }
      if (
        !item ||
        state.started.has(number) ||
        !item.dependencies.every((d) => settled(state, d) || state.absent.has(d))
      )
        continue;
      state.started.add(number);
      // Scheduling inside the task keeps the queue busy until dependents are queued.
      void queue.add(() => guard(() => runOrSkip(state, item)));
    }
  };
  const guard = async (work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      // Caught here, not left to `void`: an unhandled rejection would kill the process.
      state.crash ??= { error };
      return;
    }
    schedule();
  };
  try {
    schedule();
    await queue.onIdle();
  } finally {
    options.signal?.removeEventListener('abort', onCancel);
  }
  if (state.crash) {
    await endRun(state, 'failed');
    throw state.crash.error;
  }
  return finishRun(state);
}

/** A decision point's question; options it cannot read are the subtask's failure. */
async function decideOrFail(state: RunState, item: PreparedSubtask): Promise<void> {
  try {
    await decidePoint(state, item);
  } catch (cause) {
    await failBeforeRunning(state, item.subtask.number, cause);
  }
}

/**
 * A subtask that fails before any model call (its gate or its decision cannot be
 * read): a run failure, logged as the subtask's; a bug stays an exception.
 */
async function failBeforeRunning(state: RunState, subtask: number, cause: unknown): Promise<void> {
  const failure = describeFailure(cause, subtask);
  if (!failure) throw cause;
  state.failures.push(failure);
  await emit(state, {
    type: 'subtask-fail',
    at: state.clock().toISOString(),
    subtask,
    code: failure.code,
    message: failure.message,
    durationMs: 0,
  });
}

/** Runs a ready subtask, or records why it does not run (a gate, or a missing dependency). */
async function runOrSkip(state: RunState, item: PreparedSubtask): Promise<void> {
  const number = item.subtask.number;
  let gate: Gate;
  try {
    gate = gateSubtask(state, item);
  } catch (cause) {
    return failBeforeRunning(state, number, cause);
  }
  if (gate.run) return executeSubtask(state, item);
  state.absent.set(number, gate.absent);
  await emit(state, {
    type: 'subtask-skip',
    at: state.clock().toISOString(),
    subtask: number,
    reason: gate.absent.because,
    cause: gate.absent.reason,
    ...(gate.severity ? { severity: gate.severity } : {}),
  });
}

async function finishRun(state: RunState): Promise<RunChainResult> {
  const { options } = state;
  // Done means decided too: a decision point whose question is open is not finished.
  const allDone = [...options.prepared.subtasks.keys()].every(
    (n) => settled(state, n) || state.absent.has(n),
  );
  // Subtasks a budget stop aborted are not failures: resuming runs them.
  if (state.stop && !allDone) {
    state.failures = state.failures.filter((failure) => failure.code !== 'ABORTED');
  }
  if (options.signal?.aborted && state.failures.length === 0 && !state.stop) {
    state.failures.push({ code: 'ABORTED', message: 'the run was cancelled' });
  }
  const result = state.failures.length === 0 && allDone ? await finishReport(state) : undefined;
  const status: RunStatus =
    state.failures.length > 0
      ? 'failed'
      : allDone
        ? 'succeeded'
        : state.awaiting.size > 0 && !state.stop
          ? 'awaiting-decision'
          : 'stopped';
  await endRun(state, status);
  return {
    status,
    runId: state.runId,
    directory: state.directory.path,
    failures: state.failures,
    absent: [...state.absent.values()].sort((a, b) => a.subtask - b.subtask),
    awaiting: [...state.awaiting.values()],
    decisions: [...state.decisions.values()],
    subtasks: state.records,
    ...(status === 'stopped' && state.stop ? { stop: state.stop } : {}),
    ...result,
  };
}

async function endRun(state: RunState, status: Exclude<RunStatus, 'running'>): Promise<void> {
  const finishedAt = state.clock();
  await writeRunRecord(state, status, finishedAt);
  const reason =
    status === 'stopped' && state.stop
      ? state.stop.reason
      : status === 'awaiting-decision'
        ? awaitingReason(state)
        : state.failures.map((failure) => failure.message.split('\n')[0]).join('; ');
  await emit(state, {
    type: 'run-end',
    at: finishedAt.toISOString(),
    status,
    durationMs: finishedAt.getTime() - state.startedAt.getTime(),
    ...(reason ? { reason } : {}),
  });
}

function awaitingReason(state: RunState): string {
  const flags = [...state.awaiting.values()].map(
    (request) => `--decide ${request.id}=<${request.options.map((option) => option.id).join('|')}>`,
  );
  return `waiting for a decision: warroom resume ${state.runId} ${flags.join(' ')}`;
}

export async function writeRunRecord(
  state: RunState,
  status: RunStatus,
  finishedAt?: Date,
): Promise<void> {
  await state.directory.writeJson('run.json', {
    id: state.record.id,
    status,
    chain: state.record.chain,
    input: state.record.input,
    started_at: state.record.started_at,
    ...(finishedAt ? { finished_at: finishedAt.toISOString() } : {}),
    ...(state.failures.length > 0 ? { failures: state.failures } : {}),
    ...(status === 'stopped' && state.stop ? { stop: state.stop } : {}),
    // A budget stop can leave questions open too: both are said, so one resume does it.
    ...((status === 'awaiting-decision' || status === 'stopped') && state.awaiting.size > 0
      ? {
          awaiting: [...state.awaiting.values()].map((request) => ({
            decision: request.id,
            question: request.question,
            options: request.options.map((option) => option.id),
          })),
        }
      : {}),
    pid: state.record.pid,
    ...(state.record.resumes ? { resumes: state.record.resumes } : {}),
    options: state.record.options,
    ...(state.record.invocation ? { invocation: state.record.invocation } : {}),
  });
}

/** Every decision of the run, earlier processes included, in subtask order. */
function decisionLog(state: RunState): RecordedDecision[] {
  return [...state.decisions.values()].sort(
    (a, b) => a.subtask - b.subtask || a.id.localeCompare(b.id),
  );
}

/** What the report lists as missing: subtasks without output for a reason other than routing. */
function missingSubtasks(state: RunState): MissingSubtask[] {
  const { subtasks } = state.options.prepared;
  return [...state.absent.values()]
    .sort((a, b) => a.subtask - b.subtask)
    .map((absent) => ({
      subtask: absent.subtask,
      title: subtasks.get(absent.subtask)?.subtask.title ?? '',
      reason: absent.reason,
      because: absent.because,
    }));
}

async function finishReport(
  state: RunState,
): Promise<Pick<RunChainResult, 'report' | 'reportFiles'> | undefined> {
  const { prepared } = state.options;
  let report: Report;
  try {
    report = buildReport(prepared.aggregation, prepared.input.value, state.outputs, {
      absent: missingSubtasks(state),
      decisions: chosenOptions(state),
      // Choices shape the work; approvals are the run's (run.decisions), and a replay,
      // whose tool results are played back, asks none.
      decisionLog: decisionLog(state)
        .filter((decision) => decision.kind === 'choice')
        .map(({ subtask, kind, question, option, by }) => ({
          subtask,
          kind,
          question,
          chosen: option.id,
          by,
        })),
    });
  } catch (cause) {
    const failure = describeFailure(cause);
    if (!failure) throw cause;
    state.failures.push(failure);
    return undefined;
  }
  const finishedAt = state.clock();
  const full: Report = {
    ...report,
    run: {
      ...runSummary({
        runId: state.runId,
        chain: prepared.chain,
        startedAt: state.startedAt,
        finishedAt,
        records: state.records,
        activity: subtaskActivity((await state.directory.readLog({ lenient: true })).events),
      }),
      ...(state.decisions.size > 0
        ? {
            decisions: decisionLog(state).map(({ subtask, id, kind, option, by, toolCallId }) => ({
              subtask,
              id,
              kind,
              chosen: option.id,
              by,
              ...(toolCallId ? { tool_call_id: toolCallId } : {}),
            })),
          }
        : {}),
    },
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
