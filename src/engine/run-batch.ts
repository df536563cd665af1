/**
 * Many incidents through one chain: each input is pre-flighted and run on its own,
 * all sharing the same providers — so rate limits wrapped around them hold across
 * the whole batch — with a summary at the end.
 */
import PQueue from 'p-queue';
import type { ParsedChain } from '../chain/index.js';
import { WarroomError } from '../errors.js';
import { caseNameOf } from '../fixture/index.js';
import { type ChainInput, type PreflightOptions, preflight } from '../preflight/index.js';
import { type RunChainOptions, type RunChainResult, runChain } from './run-chain.js';
import type { RunEvent } from './run-events.js';

export interface BatchItem {
  input: ChainInput;
  name: string;
}

export interface BatchOutcome {
  name: string;
  status: RunChainResult['status'] | 'invalid';
  /** The chain it ran (the routed one, under severity routing). */
  chain?: string;
  /** The run, when pre-flight passed. */
  result?: RunChainResult;
  /** Why pre-flight refused the input. */
  problems?: string[];
}

export interface BatchOptions extends Omit<RunChainOptions, 'prepared' | 'out' | 'caseName'> {
  /** The chain every incident runs, or how to pick each one's (severity routing). */
  parsed: ParsedChain | ((item: BatchItem) => Promise<ParsedChain>);
  items: BatchItem[];
  preflight?: Omit<PreflightOptions, 'input'>;
  /** Incidents in flight at once (their subtasks share the providers' limits). */
  incidents?: number;
  onOutcome?: (outcome: BatchOutcome) => void;
  /** Each run's events with the incident they belong to (traces: one per incident). */
  onIncidentEvent?: (incident: string, event: RunEvent) => void;
}

export async function runBatch(options: BatchOptions): Promise<BatchOutcome[]> {
  const {
    parsed,
    items,
    preflight: preflightOptions,
    incidents = 4,
    onOutcome,
    onIncidentEvent,
    ...runOptions
  } = options;
  const queue = new PQueue({ concurrency: Math.max(1, incidents) });
  const outcomes: BatchOutcome[] = [];
  await Promise.all(
    items.map((item, index) =>
      queue.add(async () => {
        let chain: ParsedChain;
        try {
          chain = typeof parsed === 'function' ? await parsed(item) : parsed;
        } catch (cause) {
          // An incident the routes cannot place is refused like an invalid input.
          if (!WarroomError.isInstance(cause) || !cause.userError) throw cause;
          const outcome: BatchOutcome = {
            name: item.name,
            status: 'invalid',
            problems: [cause.located],
          };
          outcomes[index] = outcome;
          onOutcome?.(outcome);
          return;
        }
        const { diagnostics, prepared } = await preflight(chain, {
          ...preflightOptions,
          input: item.input,
        });
        const outcome: BatchOutcome = prepared
          ? await runOne(runOptions, prepared, item, onIncidentEvent)
          : {
              name: item.name,
              ...(chain.chain ? { chain: chain.chain.id } : {}),
              status: 'invalid',
              problems: diagnostics
                .filter((d) => d.severity === 'error')
                .map((d) => `${d.file}:${d.line}: ${d.message}`),
            };
        outcomes[index] = outcome;
        onOutcome?.(outcome);
      }),
    ),
  );
  return outcomes;
}

async function runOne(
  options: Omit<RunChainOptions, 'prepared' | 'out' | 'caseName'>,
  prepared: NonNullable<Awaited<ReturnType<typeof preflight>>['prepared']>,
  item: BatchItem,
  onIncidentEvent: BatchOptions['onIncidentEvent'],
): Promise<BatchOutcome> {
  const onEvent = (event: RunEvent) => {
    options.onEvent?.(event);
    onIncidentEvent?.(item.name, event);
  };
  const result = await runChain({ ...options, prepared, caseName: item.name, onEvent });
  return { name: item.name, chain: prepared.chain.id, status: result.status, result };
}

/** Batch item names from their files (`incidents/db-pool.json` → `db-pool`), or `<file>-<line>` for JSONL. */
export function batchItemName(file: string, line?: number): string {
  const base = caseNameOf(file);
  return line === undefined ? base : `${base}-${line}`;
}
