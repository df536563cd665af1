/** `warroom run-chain`: pre-flight, then the run; prints progress and where the report is. */
import { resolve } from 'node:path';
import type {
  BuiltinTools,
  ModelOverrides,
  PreparedChain,
  RunChainResult,
  RunEvent,
  RunTracer,
} from '../../index.js';
import { type CliIo, countSummary, printDiagnostics, shownPath, warroomHome } from '../cli-io.js';
import { exitCodes, runExitCode } from '../exit-codes.js';
import { approvalsOf } from './confirm-write.js';
import { decisionOptions, printAwaiting } from './decision-flags.js';
import { type LiveTaskList, startLiveTaskList } from './live-task-list.js';
import { type DefinitionOptions, hasErrors, loadPrepared, openTools } from './load-prepared.js';
import { isLiveTerminal, printProgress } from './progress.js';
import { providersFor } from './providers.js';
import {
  clearRecordedExchanges,
  parseSubtaskList,
  type RecordingPlan,
  writeRecordedCase,
} from './recording.js';
import { type BudgetFlags, budgetOf, invocationOf, retryPolicyOf } from './resume-action.js';
import { routedChain } from './route-chain.js';
import { isBatchInput, runBatchAction } from './run-batch-action.js';
import { flushTraces, startTracer } from './run-traces.js';

interface RunChainCliOptions extends Omit<DefinitionOptions, 'chain'>, BudgetFlags {
  /** Absent: the config file's routes pick the chain by severity. */
  chain?: string;
  provider?: string;
  model?: string;
  baseUrl?: string;
  fixtures: string;
  record?: string;
  rerecord?: string;
  case?: string;
  out?: string;
  concurrency: number;
  repairAttempts?: number;
  maxAttempts?: number;
  timeout?: number;
  maxRetryWait?: number;
  stream: boolean;
  approve?: string;
  decide?: string[];
  json?: boolean;
  jsonEvents?: boolean;
  quiet?: boolean;
}

export default async function runChainAction(
  io: CliIo,
  options: RunChainCliOptions,
): Promise<number> {
  const tools = await openTools(io, options);
  try {
    return await runWithTools(io, options, tools);
  } finally {
    await tools.close();
  }
}

async function runWithTools(
  io: CliIo,
  options: RunChainCliOptions,
  tools: BuiltinTools,
): Promise<number> {
  if (options.input !== undefined && (await isBatchInput(io, options.input))) {
    return runBatchAction(
      io,
      { ...options, input: options.input },
      await providersFor(io, options),
      tools,
    );
  }
  const chain = await routedChain(io, options);
  const { diagnostics, prepared } = await loadPrepared(io, { ...options, chain }, tools.registry);
  if (hasErrors(diagnostics) || !prepared) {
    printDiagnostics(io, diagnostics);
    io.stderr(`pre-flight failed (${countSummary(diagnostics)}); no model was called\n`);
    return exitCodes.usage;
  }
  if (!options.quiet) printDiagnostics(io, diagnostics);
  const { caseNameOf, runChain, WarroomError } = await import('../../index.js');
  if (options.record && options.provider === 'replay') {
    throw new WarroomError({
      code: 'USAGE',
      message: '--record needs a live provider (anthropic, openai), not replay',
      userError: true,
    });
  }
  const recording = await planRecording(io, options, prepared, caseNameOf(prepared.input.file));
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  const tracer = await startTracer(io);
  const live =
    options.quiet || options.json || !isLiveTerminal(io)
      ? undefined
      : startLiveTaskList(io.stderr, { columns: process.stderr.columns });
  let result: RunChainResult;
  try {
    result = await runChain({
      prepared,
      providers: await providersFor(io, options),
      overrides: overridesOf(options),
      ...(recording?.subtasks
        ? { subtaskOverrides: replayOthers(prepared, recording.subtasks) }
        : {}),
      caseName: options.case ?? caseNameOf(prepared.input.file),
      home: resolve(io.cwd, warroomHome(io)),
      ...(options.out ? { out: resolve(io.cwd, options.out) } : {}),
      concurrency: Math.max(1, options.concurrency),
      ...(options.repairAttempts !== undefined ? { repairAttempts: options.repairAttempts } : {}),
      retryPolicy: retryPolicyOf(options),
      stream: options.stream,
      // Recorded in run.json so `warroom resume` starts the run the same way.
      invocation: invocationOf(io, options),
      ...(budgetOf(options) ? { budget: budgetOf(options) } : {}),
      approvals: approvalsOf(options.approve),
      tools: tools.registry,
      ...(await playbackToolResults(io, options)),
      ...(await decisionOptions(io, options.decide, live)),
      signal: controller.signal,
      onEvent: eventListener(io, options, live, tracer),
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
    live?.stop();
    await flushTraces(io, tracer);
  }
  if (recording && result.status === 'succeeded' && result.report) {
    const file = await writeRecordedCase(recording, prepared, { ...result, report: result.report });
    if (!options.json) io.stderr(`recorded case: ${shownPath(io, file)}\n`);
  }
  // With --json-events stdout carries only event lines; the closing lines move to stderr.
  const resultIo = options.jsonEvents ? { ...io, stdout: io.stderr } : io;
  return reportResult(resultIo, result, options.json === true, options.provider === 'replay');
}

/** Every reader of the run's events: progress (live or plain), --json-events, traces. */
function eventListener(
  io: CliIo,
  options: RunChainCliOptions,
  live: LiveTaskList | undefined,
  tracer: RunTracer | undefined,
): (event: RunEvent) => void {
  const plain = !live && !options.quiet && !options.json;
  return (event) => {
    if (options.jsonEvents) io.stdout(`${JSON.stringify(event)}\n`);
    if (live) live.onEvent(event);
    else if (plain) printProgress(io, event);
    tracer?.onEvent(event);
  };
}

/** Under replay (or for the subtasks --rerecord replays), tool results come from the fixtures. */
async function playbackToolResults(io: CliIo, options: RunChainCliOptions) {
  if (options.provider !== 'replay' && !options.rerecord) return {};
  const { readFixtureDirectory, recordedToolResults } = await import('../../index.js');
  const dir = resolve(io.cwd, options.record ?? options.fixtures);
  return { recordedToolResults: recordedToolResults(await readFixtureDirectory(dir)) };
}

function overridesOf(options: RunChainCliOptions): ModelOverrides {
  return {
    ...(options.provider ? { provider: options.provider } : {}),
    ...(options.model ? { modelId: options.model } : {}),
  };
}

async function planRecording(
  io: CliIo,
  options: RunChainCliOptions,
  prepared: PreparedChain,
  defaultCase: string,
): Promise<RecordingPlan | undefined> {
  if (!options.record) return undefined;
  const subtasks = parseSubtaskList(options.rerecord, prepared);
  const plan: RecordingPlan = {
    dir: resolve(io.cwd, options.record),
    caseName: options.case ?? defaultCase,
    ...(subtasks ? { subtasks } : {}),
  };
  await clearRecordedExchanges(plan, prepared.chain.id);
  if (subtasks && !options.quiet)
    io.stderr(
      `re-recording subtasks ${[...subtasks].sort((a, b) => a - b).join(', ')}; replaying the rest\n`,
    );
  return plan;
}

function replayOthers(prepared: PreparedChain, live: Set<number>): Map<number, ModelOverrides> {
  return new Map(
    [...prepared.subtasks.keys()]
      .filter((n) => !live.has(n))
      .map((n) => [n, { provider: 'replay' }]),
  );
}

function reportResult(
  io: CliIo,
  result: RunChainResult,
  json: boolean,
  playedBack: boolean,
): number {
  const code = runExitCode(result.status);
  const run = result.report?.run as
    | {
        usage?: { input_tokens: number; output_tokens: number };
        cost_usd?: number;
        unpriced_models?: string[];
      }
    | undefined;
  if (json) {
    const document = {
      status: result.status,
      runId: result.runId,
      directory: result.directory,
      reportFiles: result.reportFiles ?? null,
      failures: result.failures,
      usage: run?.usage ?? null,
      costUsd: run?.cost_usd ?? null,
      ...(result.stop ? { stop: result.stop } : {}),
      ...(result.awaiting.length > 0 ? { awaiting: result.awaiting } : {}),
      ...(result.absent.length > 0 ? { missing: result.absent } : {}),
    };
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
    return code;
  }
  for (const failure of result.failures) io.stderr(`error: ${failure.message}\n`);
  if (result.stop) io.stderr(`stopped: ${result.stop.reason}\n`);
  for (const absent of result.absent.filter((entry) => entry.reason === 'failed'))
    io.stderr(`missing: subtask ${absent.subtask}: ${absent.because}\n`);
  printAwaiting(io, result);
  if (run?.usage) {
    const unpriced = run.unpriced_models?.length
      ? ` (no price for ${run.unpriced_models.join(', ')})`
      : '';
    const cost = `$${(run.cost_usd ?? 0).toFixed(4)}${unpriced}`;
    const spent = playedBack
      ? `cost at list price ${cost} (played back: nothing was spent)`
      : `cost ${cost}`;
    io.stderr(
      `tokens: ${run.usage.input_tokens} input, ${run.usage.output_tokens} output; ${spent}\n`,
    );
  }
  io.stdout(`run ${result.status}: ${shownPath(io, result.directory)}\n`);
  if (result.reportFiles) {
    io.stdout(`report: ${shownPath(io, result.reportFiles.json)}\n`);
    io.stdout(`        ${shownPath(io, result.reportFiles.markdown)}\n`);
  }
  return code;
}
