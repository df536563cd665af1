/**
 * `warroom run-chain --input <dir | file.jsonl>`: every incident of a folder (each
 * *.json) or of a JSON-lines file through the chain, sharing the providers and
 * their limits (the `providers:` section of the config file), one summary at the end.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BatchItem, BuiltinTools, ModelProvider } from '../../index.js';
import { type CliIo, shownPath, warroomHome } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';
import { batchChains } from './route-chain.js';
import { flushTraces, startTracer } from './run-traces.js';

export interface BatchCliOptions {
  chain?: string;
  config?: string;
  input: string;
  chainsDir?: string;
  personasDir?: string;
  schemasDir?: string;
  provider?: string;
  model?: string;
  concurrency: number;
  json?: boolean;
}

/** True when --input names a folder or a .jsonl file: a batch. */
export async function isBatchInput(io: CliIo, input: string | undefined): Promise<boolean> {
  if (input === undefined || /^\s*[[{]/.test(input)) return false;
  if (input.endsWith('.jsonl')) return true;
  const found = await stat(resolve(io.cwd, input)).catch(() => undefined);
  return found?.isDirectory() === true;
}

async function readItems(io: CliIo, input: string): Promise<BatchItem[]> {
  const { batchItemName, parseJson, WarroomError } = await import('../../index.js');
  const path = resolve(io.cwd, input);
  const invalid = (file: string, line: number, message: string) =>
    new WarroomError({ code: 'INPUT_INVALID', message, file, line, userError: true });
  if (input.endsWith('.jsonl')) {
    const lines = (await readFile(path, 'utf8')).split('\n');
    const items: BatchItem[] = [];
    lines.forEach((text, index) => {
      if (text.trim() === '') return;
      const parsed = parseJson(text);
      if (!parsed.ok) throw invalid(input, index + 1, `not valid JSON: ${parsed.message}`);
      items.push({
        input: { value: parsed.value, file: `${input}:${index + 1}`, text, line: index + 1 },
        name: batchItemName(input, index + 1),
      });
    });
    return items;
  }
  const names = (await readdir(path)).filter((name) => name.endsWith('.json')).sort();
  const items: BatchItem[] = [];
  for (const name of names) {
    const text = await readFile(join(path, name), 'utf8');
    const parsed = parseJson(text);
    const file = join(input, name);
    if (!parsed.ok) throw invalid(file, parsed.line, `not valid JSON: ${parsed.message}`);
    items.push({ input: { value: parsed.value, file, text, line: 1 }, name: batchItemName(name) });
  }
  return items;
}

export async function runBatchAction(
  io: CliIo,
  options: BatchCliOptions,
  providers: Map<string, ModelProvider>,
  tools: BuiltinTools,
): Promise<number> {
  const { runBatch } = await import('../../index.js');
  const items = await readItems(io, options.input);
  const tracer = await startTracer(io);
  const outcomes = await runBatch({
    // One trace per incident.
    ...(tracer ? { onIncidentEvent: (name, event) => tracer.onEvent(event, name) } : {}),
    parsed: await batchChains(io, options),
    items,
    preflight: {
      tools: tools.registry,
      ...(options.personasDir ? { personasDir: resolve(io.cwd, options.personasDir) } : {}),
      ...(options.schemasDir ? { schemasDir: resolve(io.cwd, options.schemasDir) } : {}),
    },
    providers,
    overrides: {
      ...(options.provider ? { provider: options.provider } : {}),
      ...(options.model ? { modelId: options.model } : {}),
    },
    home: resolve(io.cwd, warroomHome(io)),
    tools: tools.registry,
    incidents: Math.max(1, options.concurrency),
    onOutcome: (outcome) => {
      if (options.json) return;
      const where = outcome.result
        ? shownPath(io, outcome.result.directory)
        : (outcome.problems?.[0] ?? '');
      const chain = options.chain ? '' : ` (${outcome.chain ?? 'no chain'})`;
      io.stderr(
        `${outcome.status === 'succeeded' ? '✓' : '✗'} ${outcome.name}${chain}: ${outcome.status} ${where}\n`,
      );
    },
  });
  await flushTraces(io, tracer);
  const count = (status: string) => outcomes.filter((outcome) => outcome.status === status).length;
  const summary = {
    incidents: outcomes.length,
    succeeded: count('succeeded'),
    failed: count('failed'),
    invalid: count('invalid'),
  };
  if (options.json) {
    io.stdout(
      `${JSON.stringify({ ...summary, runs: outcomes.map(({ name, chain, status, result, problems }) => ({ name, chain: chain ?? null, status, directory: result?.directory ?? null, problems: problems ?? [] })) }, null, 2)}\n`,
    );
  } else {
    io.stdout(
      `${summary.incidents} incidents: ${summary.succeeded} succeeded, ${summary.failed} failed, ${summary.invalid} invalid input\n`,
    );
  }
  return summary.succeeded === summary.incidents ? exitCodes.ok : exitCodes.runFailed;
}
