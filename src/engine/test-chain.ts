/**
 * `warroom test`: replay every recorded case of a chain and compare its report
 * with the recorded one. Drift — an edited template (a fixture miss), a changed
 * schema, a changed aggregation — fails the case and says what changed.
 * Exported for use inside a team's own vitest suite.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { loadChain } from '../chain/index.js';
import { formatDiagnostic } from '../errors.js';
import { readCases, readFixtureDirectory, recordedToolResults } from '../fixture/index.js';
import { preflight } from '../preflight/index.js';
import { createReplayProvider } from '../provider/index.js';
import type { JsonValue } from '../schema/index.js';
import { createBuiltinTools, type ToolRegistry } from '../tools/index.js';
import type { ModelOverrides } from './model-selection.js';
import { type RunChainResult, runChain } from './run-chain.js';

export interface CaseOutcome {
  case: string;
  status: 'passed' | 'failed';
  /** One line saying why a case failed. */
  reason?: string;
  /** The details: a report diff, a fixture miss with its request diff, diagnostics. */
  details?: string;
}

export interface ChainTestOptions {
  chainFile: string;
  fixturesDir: string;
  personasDir?: string;
  schemasDir?: string;
  /** The tools the chain's personas list (default: the built-in tools); replayed, never run. */
  tools?: ToolRegistry;
  onCase?: (outcome: CaseOutcome) => void;
}

export interface ChainTestResult {
  chain: string;
  outcomes: CaseOutcome[];
}

export async function testChain(input: ChainTestOptions): Promise<ChainTestResult> {
  // Built-in tools only lend their definitions here: under replay no tool runs.
  const tools = input.tools ?? (await createBuiltinTools({}, { home: tmpdir() })).registry;
  const options = { ...input, tools };
  const parsed = await loadChain(options.chainFile);
  const chainId = parsed.chain?.id ?? options.chainFile;
  const cases = await readCases(options.fixturesDir, chainId);
  const outcomes: CaseOutcome[] = [];
  for (const recorded of cases) {
    const outcome = await replayCase(options, parsed, recorded);
    outcomes.push(outcome);
    options.onCase?.(outcome);
  }
  return { chain: chainId, outcomes };
}

type Parsed = Awaited<ReturnType<typeof loadChain>>;
type Recorded = Awaited<ReturnType<typeof readCases>>[number];

async function replayCase(
  options: ChainTestOptions,
  parsed: Parsed,
  recorded: Recorded,
): Promise<CaseOutcome> {
  const name = recorded.case;
  const text = JSON.stringify(recorded.input, null, 2);
  const { diagnostics, prepared } = await preflight(parsed, {
    input: { value: recorded.input as JsonValue, file: recorded.file, text, line: 1 },
    ...(options.personasDir ? { personasDir: options.personasDir } : {}),
    ...(options.schemasDir ? { schemasDir: options.schemasDir } : {}),
    ...(options.tools ? { tools: options.tools } : {}),
  });
  if (!prepared) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    return {
      case: name,
      status: 'failed',
      reason: `pre-flight failed (${errors.length} errors)`,
      details: errors.map(formatDiagnostic).join('\n'),
    };
  }
  const home = await mkdtemp(join(tmpdir(), 'warroom-test-'));
  try {
    const result = await runChain({
      prepared,
      providers: new Map([['replay', createReplayProvider({ fixturesDir: options.fixturesDir })]]),
      overrides: { provider: 'replay' },
      subtaskOverrides: recordedModels(recorded.models),
      home,
      caseName: name,
      concurrency: 1,
      retryPolicy: { maxAttempts: 1 },
      ...(options.tools
        ? {
            tools: options.tools,
            recordedToolResults: recordedToolResults(
              await readFixtureDirectory(options.fixturesDir),
            ),
          }
        : {}),
    });
    if (result.status !== 'succeeded' || !result.report) {
      const first = result.failures[0];
      return {
        case: name,
        status: 'failed',
        reason: first ? first.message.split('\n')[0] : 'the run failed',
        details: result.failures.map((failure) => failure.message).join('\n'),
      };
    }
    const { run: _run, ...report } = result.report;
    return compareReports(name, recorded.report, report);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

function compareReports(name: string, expected: unknown, actual: unknown): CaseOutcome {
  const before = `${JSON.stringify(expected, null, 2)}\n`;
  const after = `${JSON.stringify(actual, null, 2)}\n`;
  if (before === after) return { case: name, status: 'passed' };
  const patch = createTwoFilesPatch('recorded report', 'replayed report', before, after, '', '', {
    context: 2,
  });
  const lines = patch.split('\n').slice(2);
  const shown =
    lines.length > 60 ? [...lines.slice(0, 60), `… ${lines.length - 60} more lines`] : lines;
  return {
    case: name,
    status: 'failed',
    reason: 'the replayed report differs from the recorded one',
    details: shown.join('\n'),
  };
}

/** Replays each subtask as the model it was recorded with. */
function recordedModels(models: Record<string, string> | undefined): Map<number, ModelOverrides> {
  return new Map(
    Object.entries(models ?? {}).map(([subtask, model]) => [
      Number(subtask),
      { provider: 'replay', modelId: model },
    ]),
  );
}

/** `{"1": "anthropic/claude-sonnet-5-5", …}`: what each subtask of a run was answered by. */
export function subtaskModels(result: Pick<RunChainResult, 'subtasks'>): Record<string, string> {
  return Object.fromEntries(
    [...result.subtasks].map(([number, record]) => [String(number), record.model]),
  );
}
