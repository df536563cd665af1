/**
 * The runs under `$WARROOM_HOME/runs/`, newest first, for `warroom runs`: id, chain,
 * status, start, duration, tokens and cost. A run.json still saying `running` whose
 * process is gone is `crashed` (resumable). Tokens and cost come from the report's
 * `run` key, or are summed from the event log when there is no report.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJson } from '../schema/index.js';
import { addSpending, noSpending } from './run-budget.js';
import { readRunLog } from './run-log.js';
import { processAlive, readRunRecord } from './run-record.js';

export type ListedStatus =
  | 'succeeded'
  | 'failed'
  | 'running'
  | 'stopped'
  | 'awaiting-decision'
  | 'crashed';

export interface RunListing {
  id: string;
  directory: string;
  chain: string;
  status: ListedStatus;
  startedAt: string;
  /** Until it finished, or until its last event for a run still going or crashed. */
  durationMs: number | undefined;
  /** Input plus output tokens. */
  tokens: number;
  costUsd: number;
  /** Why a stopped run stopped, or its first failure. */
  reason?: string;
}

export async function listRuns(options: { home: string }): Promise<RunListing[]> {
  const runsDir = join(options.home, 'runs');
  const names = await readdir(runsDir).catch(() => [] as string[]);
  const listings: RunListing[] = [];
  for (const name of names) {
    const listing = await describeRun(join(runsDir, name)).catch(() => undefined);
    if (listing) listings.push(listing);
  }
  return listings.sort(
    (a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id),
  );
}

async function describeRun(directory: string): Promise<RunListing> {
  const record = await readRunRecord(directory);
  const log = await readRunLog(directory, { lenient: true });
  const status: ListedStatus =
    record.status === 'running' && !processAlive(record.pid) ? 'crashed' : record.status;
  const spending = noSpending();
  for (const event of log.events) addSpending(spending, event);
  const reported = await reportTotals(directory);
  const ended = record.finished_at ?? log.events.at(-1)?.at;
  const durationMs = ended ? Date.parse(ended) - Date.parse(record.started_at) : undefined;
  const reason =
    record.stop?.reason ??
    (record.awaiting?.length
      ? `waiting for ${record.awaiting.map((entry) => `--decide ${entry.decision}=<${entry.options.join('|')}>`).join(' ')}`
      : undefined) ??
    record.failures?.[0]?.message.split('\n')[0];
  return {
    id: record.id,
    directory,
    chain: record.chain.id,
    status,
    startedAt: record.started_at,
    durationMs: durationMs !== undefined && Number.isFinite(durationMs) ? durationMs : undefined,
    tokens: reported?.tokens ?? spending.tokens,
    costUsd: reported?.costUsd ?? Number(spending.costUsd.toFixed(6)),
    ...(reason ? { reason } : {}),
  };
}

/** Totals from report.json's `run` key, when the run wrote a report. */
async function reportTotals(
  directory: string,
): Promise<{ tokens: number; costUsd: number } | undefined> {
  const text = await readFile(join(directory, 'report.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = parseJson(text);
  if (!parsed.ok || !isRecord(parsed.value) || !isRecord(parsed.value.run)) return undefined;
  const { usage, cost_usd: cost } = parsed.value.run;
  if (!isRecord(usage)) return undefined;
  const input = usage.input_tokens;
  const output = usage.output_tokens;
  if (typeof input !== 'number' || typeof output !== 'number') return undefined;
  return { tokens: input + output, costUsd: typeof cost === 'number' ? cost : 0 };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
