/**
 * `warroom fixtures author`: runs the chain with hand-written replies answering
 * each call by its label, recording every exchange as a replay fixture marked
 * hand-written — so the fixture requests are the real rendered prompts and
 * re-authoring after a template edit is one command.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type BuiltinTools,
  caseDirectory,
  caseFormat,
  caseNameOf,
  createHandWrittenProvider,
  createRecordingProvider,
  findChain,
  loadChain,
  preflight,
  readChainInput,
  runChain,
  subtaskModels,
  writeCase,
} from '../../index.js';
import { type CliIo, countSummary, printDiagnostics, shownPath } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';
import { approvalsOf } from './confirm-write.js';
import { decisionOptions } from './decision-flags.js';
import { hasErrors, openTools } from './load-prepared.js';

interface AuthorOptions {
  chain: string;
  input: string;
  responses: string;
  fixtures: string;
  case?: string;
  chainsDir: string;
  config?: string;
  approve?: string;
  decide?: string[];
}

export default async function fixturesAuthorAction(
  io: CliIo,
  options: AuthorOptions,
): Promise<number> {
  const tools = await openTools(io, options);
  try {
    return await author(io, options, tools);
  } finally {
    await tools.close();
  }
}

/** Tools run for real while the model's turns are hand-written: their answers are recorded. */
async function author(io: CliIo, options: AuthorOptions, tools: BuiltinTools): Promise<number> {
  const chainFile = await findChain(options.chain, resolve(io.cwd, options.chainsDir), io.cwd);
  const input = await readChainInput(options.input, io.cwd);
  const { diagnostics, prepared } = await preflight(await loadChain(chainFile), {
    input,
    tools: tools.registry,
  });
  if (hasErrors(diagnostics) || !prepared) {
    printDiagnostics(io, diagnostics);
    io.stderr(`pre-flight failed (${countSummary(diagnostics)})\n`);
    return exitCodes.usage;
  }
  const fixturesDir = resolve(io.cwd, options.fixtures);
  const caseName = options.case ?? caseNameOf(input.file);
  const caseDir = caseDirectory(fixturesDir, prepared.chain.id, caseName);
  // The case's old fixtures go: appending would leave stale exchanges behind.
  await rm(caseDir, { recursive: true, force: true });
  const recording = createRecordingProvider(
    createHandWrittenProvider({ responsesDir: resolve(io.cwd, options.responses) }),
    {
      fixturesDir,
      provenance: 'hand-written',
    },
  );
  const scratch = await mkdtemp(join(tmpdir(), 'warroom-author-'));
  try {
    const result = await runChain({
      prepared,
      providers: new Map([['hand-written', recording]]),
      overrides: { provider: 'hand-written' },
      home: scratch,
      caseName,
      concurrency: 1,
      tools: tools.registry,
      approvals: approvalsOf(options.approve),
      ...(await decisionOptions(io, options.decide)),
    });
    for (const failure of result.failures) io.stderr(`error: ${failure.message}\n`);
    if (result.status !== 'succeeded' || !result.report) return exitCodes.runFailed;
    const { run: _run, ...report } = result.report;
    await writeCase(fixturesDir, {
      format: caseFormat,
      chain: prepared.chain.id,
      case: caseName,
      provenance: 'hand-written',
      models: subtaskModels(result),
      input: input.value as Record<string, unknown>,
      report,
    });
    io.stdout(`fixtures written: ${shownPath(io, caseDir)}\n`);
    return exitCodes.ok;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
