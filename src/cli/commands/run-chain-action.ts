/** `warroom run-chain`: pre-flight, then the run; prints progress and where the report is. */
import { resolve } from 'node:path';
import type { ModelProvider, RunChainResult, RunEvent } from '../../index.js';
import { type CliIo, countSummary, printDiagnostics, shownPath, warroomHome } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';
import { type DefinitionOptions, hasErrors, loadPrepared } from './load-prepared.js';

interface RunChainCliOptions extends DefinitionOptions {
  provider?: string;
  model?: string;
  fixtures: string;
  out?: string;
  concurrency: number;
  repairAttempts?: number;
  json?: boolean;
  quiet?: boolean;
}

export default async function runChainAction(
  io: CliIo,
  options: RunChainCliOptions,
): Promise<number> {
  const { diagnostics, prepared } = await loadPrepared(io, options);
  if (hasErrors(diagnostics) || !prepared) {
    printDiagnostics(io, diagnostics);
    io.stderr(`pre-flight failed (${countSummary(diagnostics)}); no model was called\n`);
    return exitCodes.usage;
  }
  if (!options.quiet) printDiagnostics(io, diagnostics);
  const { runChain } = await import('../../index.js');
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  let result: RunChainResult;
  try {
    result = await runChain({
      prepared,
      providers: await providersFor(io, options),
      overrides: {
        ...(options.provider ? { provider: options.provider } : {}),
        ...(options.model ? { modelId: options.model } : {}),
      },
      home: resolve(io.cwd, warroomHome(io)),
      ...(options.out ? { out: resolve(io.cwd, options.out) } : {}),
      concurrency: Math.max(1, options.concurrency),
      ...(options.repairAttempts !== undefined ? { repairAttempts: options.repairAttempts } : {}),
      signal: controller.signal,
      ...(options.quiet || options.json
        ? {}
        : { onEvent: (event: RunEvent) => printProgress(io, event) }),
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
  return reportResult(io, result, options.json === true);
}

async function providersFor(
  io: CliIo,
  options: RunChainCliOptions,
): Promise<Map<string, ModelProvider>> {
  const { createReplayProvider } = await import('../../index.js');
  const providers = new Map<string, ModelProvider>();
  providers.set('replay', createReplayProvider({ fixturesDir: resolve(io.cwd, options.fixtures) }));
  return providers;
}

function printProgress(io: CliIo, event: RunEvent): void {
  switch (event.type) {
    case 'run-start':
      io.stderr(
        `run ${event.runId}: chain ${event.chain} ${event.version}, subtasks ${event.subtasks.join(' → ')}\n`,
      );
      break;
    case 'subtask-start':
      io.stderr(`  ▶ subtask ${event.subtask} (${event.persona}, ${event.model})\n`);
      break;
    case 'output-invalid':
      io.stderr(
        `  ! subtask ${event.subtask} turn ${event.turn}: output invalid (${event.violations.length} problem(s)); asking for a repair\n`,
      );
      break;
    case 'subtask-end':
      io.stderr(
        `  ✓ subtask ${event.subtask}: ${event.turns} turn(s), ${event.usage.inputTokens} in / ${event.usage.outputTokens} out tokens → ${event.output}\n`,
      );
      break;
    case 'subtask-fail':
      io.stderr(`  ✗ subtask ${event.subtask}: ${event.message.split('\n')[0]}\n`);
      break;
    default:
      break;
  }
}

function reportResult(io: CliIo, result: RunChainResult, json: boolean): number {
  const code = result.status === 'succeeded' ? exitCodes.ok : exitCodes.runFailed;
  if (json) {
    const document = {
      status: result.status,
      runId: result.runId,
      directory: result.directory,
      reportFiles: result.reportFiles ?? null,
      failures: result.failures,
    };
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
    return code;
  }
  for (const failure of result.failures) io.stderr(`error: ${failure.message}\n`);
  const run = result.report?.run as
    | { usage?: { input_tokens: number; output_tokens: number } }
    | undefined;
  if (run?.usage)
    io.stderr(`tokens: ${run.usage.input_tokens} input, ${run.usage.output_tokens} output\n`);
  io.stdout(`run ${result.status}: ${shownPath(io, result.directory)}\n`);
  if (result.reportFiles) {
    io.stdout(`report: ${shownPath(io, result.reportFiles.json)}\n`);
    io.stdout(`        ${shownPath(io, result.reportFiles.markdown)}\n`);
  }
  return code;
}
