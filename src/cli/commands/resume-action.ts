/**
 * `warroom resume <run-id | run-dir>`: continues an interrupted run from its
 * directory. Provider, model, fixtures and config default to what the original
 * `run-chain` recorded in run.json (`invocation`); flags given here win. API keys
 * and endpoints from the environment are not recorded: set them again. `--approve`
 * is never carried over — a write tool a crash left in doubt runs again only when
 * approved here.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import type {
  JsonValue,
  ModelOverrides,
  ResumeRunResult,
  RetryPolicy,
  RunBudget,
  RunChainOptions,
  RunEvent,
  ToolRegistry,
} from '../../index.js';
import { type CliIo, shownPath, warroomHome } from '../cli-io.js';
import { runExitCode } from '../exit-codes.js';
import { approvalsOf } from './confirm-write.js';
import { decisionOptions, printAwaiting } from './decision-flags.js';
import { startLiveTaskList } from './live-task-list.js';
import { openTools } from './load-prepared.js';
import { isLiveTerminal, printProgress } from './progress.js';
import { providersFor } from './providers.js';
import { writeRecordedCase } from './recording.js';
import { flushTraces, startTracer } from './run-traces.js';

/** How `run-chain` was invoked, as run.json keeps it: absolute paths, no secrets. */
const invocationSchema = z.object({
  cwd: z.string().optional(),
  provider: z.string().optional(),
  model: z.string().optional(),
  baseUrl: z.string().optional(),
  fixtures: z.string().optional(),
  config: z.string().optional(),
  record: z.string().optional(),
  rerecord: z.string().optional(),
  case: z.string().optional(),
});

export type Invocation = z.infer<typeof invocationSchema>;

interface InvocationFlags {
  provider?: string;
  model?: string;
  baseUrl?: string;
  fixtures?: string;
  config?: string;
  record?: string;
  rerecord?: string;
  case?: string;
}

/** What run-chain records so `resume` can start the run the same way. */
export function invocationOf(io: CliIo, options: InvocationFlags): Record<string, JsonValue> {
  const path = (value: string | undefined) => (value ? resolve(io.cwd, value) : undefined);
  const invocation: Invocation = {
    cwd: io.cwd,
    provider: options.provider,
    model: options.model,
    baseUrl: options.baseUrl,
    fixtures: path(options.fixtures),
    config: path(options.config),
    record: path(options.record),
    rerecord: options.rerecord,
    case: options.case,
  };
  return Object.fromEntries(Object.entries(invocation).filter(([, value]) => value !== undefined));
}

export interface RetryFlags {
  maxAttempts?: number;
  timeout?: number;
  maxRetryWait?: number;
}

/** --max-attempts, --timeout and --max-retry-wait (seconds) as the engine's retry policy. */
export function retryPolicyOf(options: RetryFlags): Partial<RetryPolicy> {
  return {
    ...(options.maxAttempts !== undefined ? { maxAttempts: Math.max(1, options.maxAttempts) } : {}),
    ...(options.timeout !== undefined ? { timeoutMs: options.timeout * 1000 } : {}),
    ...(options.maxRetryWait !== undefined ? { maxRetryAfterMs: options.maxRetryWait * 1000 } : {}),
  };
}

export interface BudgetFlags {
  maxTokens?: number;
  maxCost?: number;
  maxToolCalls?: number;
}

export function budgetOf(options: BudgetFlags): RunBudget | undefined {
  const budget: RunBudget = {
    ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
    ...(options.maxCost !== undefined ? { maxCostUsd: options.maxCost } : {}),
    ...(options.maxToolCalls !== undefined ? { maxToolCalls: options.maxToolCalls } : {}),
  };
  return Object.keys(budget).length > 0 ? budget : undefined;
}

interface ResumeCliOptions extends InvocationFlags, BudgetFlags {
  approve?: string;
  decide?: string[];
  concurrency?: number;
  repairAttempts?: number;
  maxAttempts?: number;
  timeout?: number;
  maxRetryWait?: number;
  stream?: boolean;
  json?: boolean;
  quiet?: boolean;
}

/** A run id names `$WARROOM_HOME/runs/<id>`; anything else, or an id not found there, is a path. */
function runReference(io: CliIo, reference: string): { directory: string } | { runId: string } {
  const home = resolve(io.cwd, warroomHome(io));
  const plain = !isAbsolute(reference) && !/[\\/]/.test(reference) && !reference.startsWith('.');
  if (plain && existsSync(join(home, 'runs', reference, 'run.json'))) return { runId: reference };
  return { directory: resolve(io.cwd, reference) };
}

export default async function resumeAction(
  io: CliIo,
  reference: string,
  options: ResumeCliOptions,
): Promise<number> {
  const { locateRunDirectory, readRunRecord } = await import('../../index.js');
  const home = resolve(io.cwd, warroomHome(io));
  const target = runReference(io, reference);
  const record = await readRunRecord(locateRunDirectory({ home, ...target }));
  const recorded = invocationSchema.safeParse(record.invocation ?? {});
  const invocation: Invocation = recorded.success ? recorded.data : {};
  const flagPath = (value: string | undefined) => (value ? resolve(io.cwd, value) : undefined);
  const provider = options.provider ?? invocation.provider;
  const config = flagPath(options.config) ?? invocation.config;
  const fixtures =
    flagPath(options.fixtures) ?? invocation.fixtures ?? resolve(io.cwd, 'fixtures/replay');
  // Default config discovery and relative paths in it mean what they meant for the original run.
  const originalIo: CliIo = {
    ...io,
    cwd: invocation.cwd && existsSync(invocation.cwd) ? invocation.cwd : io.cwd,
  };
  const tools = await openTools(originalIo, config ? { config } : {});
  try {
    const providers = await providersFor(originalIo, {
      fixtures,
      ...(provider ? { provider } : {}),
      ...((options.baseUrl ?? invocation.baseUrl)
        ? { baseUrl: options.baseUrl ?? invocation.baseUrl }
        : {}),
      ...(invocation.record ? { record: invocation.record } : {}),
      ...(config ? { config } : {}),
    });
    const playback =
      provider === 'replay' || invocation.rerecord
        ? await playbackResults(invocation.record ?? fixtures)
        : {};
    return await resumeWith(io, options, {
      target,
      home,
      providers,
      tools: tools.registry,
      playback,
      invocation,
    });
  } finally {
    await tools.close();
  }
}

async function playbackResults(dir: string) {
  const { readFixtureDirectory, recordedToolResults } = await import('../../index.js');
  return { recordedToolResults: recordedToolResults(await readFixtureDirectory(dir)) };
}

async function resumeWith(
  io: CliIo,
  options: ResumeCliOptions,
  context: {
    target: { directory: string } | { runId: string };
    home: string;
    providers: Awaited<ReturnType<typeof providersFor>>;
    tools: ToolRegistry;
    playback: Partial<Pick<RunChainOptions, 'recordedToolResults'>>;
    invocation: Invocation;
  },
): Promise<number> {
  const { resumeRun } = await import('../../index.js');
  const overrides: ModelOverrides = {
    ...(options.provider ? { provider: options.provider } : {}),
    ...(options.model ? { modelId: options.model } : {}),
  };
  const budget = budgetOf(options);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  const showProgress = !options.quiet && !options.json;
  const tracer = await startTracer(io);
  // On a terminal the resumed run gets the same live task list as a new one.
  const live =
    showProgress && isLiveTerminal(io)
      ? startLiveTaskList(io.stderr, { columns: process.stderr.columns })
      : undefined;
  const onEvent = (event: RunEvent) => {
    tracer?.onEvent(event);
    if (live) live.onEvent(event);
    else if (showProgress) printResumeProgress(io, event);
  };
  try {
    const result = await resumeRun({
      ...context.target,
      home: context.home,
      providers: context.providers,
      tools: context.tools,
      ...context.playback,
      ...(Object.keys(overrides).length > 0 ? { overrides } : {}),
      ...(options.concurrency !== undefined
        ? { concurrency: Math.max(1, options.concurrency) }
        : {}),
      ...(options.repairAttempts !== undefined ? { repairAttempts: options.repairAttempts } : {}),
      retryPolicy: retryPolicyOf(options),
      ...(options.stream !== undefined ? { stream: options.stream } : {}),
      ...(budget ? { budget } : {}),
      approvals: approvalsOf(options.approve),
      ...(await decisionOptions(io, options.decide, live)),
      signal: controller.signal,
      onWarning: (message) => io.stderr(`warning: ${message}\n`),
      onEvent,
    });
    if (context.invocation.record && result.status === 'succeeded' && result.report) {
      const caseName = context.invocation.case ?? result.prepared.chain.id;
      const plan = { dir: context.invocation.record, caseName };
      const file = await writeRecordedCase(plan, result.prepared, {
        ...result,
        report: result.report,
      });
      if (!options.json) io.stderr(`recorded case: ${shownPath(io, file)}\n`);
    }
    live?.stop();
    return printResult(io, result, options.json === true);
  } finally {
    process.removeListener('SIGINT', onSignal);
    live?.stop();
    await flushTraces(io, tracer);
  }
}

function printResumeProgress(io: CliIo, event: RunEvent): void {
  if (event.type === 'run-resume') {
    const done = event.done.length > 0 ? event.done.join(', ') : 'none';
    io.stderr(`resuming run ${event.runId}: subtasks done: ${done}\n`);
    for (const write of event.inDoubt) {
      io.stderr(
        `warning: subtask ${write.subtask}: write tool ${write.tool} was running when the run stopped; its outcome is unknown and it will be refused unless approved (--approve ${write.tool})\n`,
      );
    }
    return;
  }
  printProgress(io, event);
}

function printResult(io: CliIo, result: ResumeRunResult, json: boolean): number {
  const code = runExitCode(result.status);
  const run = result.report?.run as { usage?: unknown; cost_usd?: number } | undefined;
  if (json) {
    const document = {
      status: result.status,
      runId: result.runId,
      directory: result.directory,
      restored: result.restored,
      reportFiles: result.reportFiles ?? null,
      failures: result.failures,
      stop: result.stop ?? null,
      ...(result.awaiting.length > 0 ? { awaiting: result.awaiting } : {}),
      usage: run?.usage ?? null,
      costUsd: run?.cost_usd ?? null,
    };
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
    return code;
  }
  for (const failure of result.failures) io.stderr(`error: ${failure.message}\n`);
  if (result.stop) io.stderr(`stopped: ${result.stop.reason}\n`);
  printAwaiting(io, result);
  io.stdout(`run ${result.status}: ${shownPath(io, result.directory)}\n`);
  if (result.reportFiles) {
    io.stdout(`report: ${shownPath(io, result.reportFiles.json)}\n`);
    io.stdout(`        ${shownPath(io, result.reportFiles.markdown)}\n`);
  }
  return code;
}
