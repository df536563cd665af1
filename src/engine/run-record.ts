/**
 * `run.json`: what a run is (id, chain, input), where it stands (status, failures,
 * why it stopped), which process works on it (pid, so `warroom runs` can tell a
 * crashed run from a running one), and how it was started (engine options and the
 * caller's own `invocation`, e.g. the CLI's provider flags), so a resume can start
 * it the same way. Written atomically on every status change.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { WarroomError } from '../errors.js';
import { type JsonValue, parseJson } from '../schema/index.js';
import type { ModelOverrides } from './model-selection.js';
import type { RetryPolicy } from './retry-policy.js';
import type { RunBudget, RunStop } from './run-budget.js';

/** `awaiting-decision`: a person must answer (`warroom resume <run> --decide …`). */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'stopped' | 'awaiting-decision';

/** The engine options a resume defaults to (approvals are never carried over: see resume-run.ts). */
export interface RecordedOptions {
  overrides?: ModelOverrides;
  subtaskOverrides?: Record<string, ModelOverrides>;
  concurrency?: number;
  repairAttempts?: number;
  retryPolicy?: Partial<RetryPolicy>;
  stream?: boolean;
  caseName?: string;
  budget?: RunBudget;
}

export interface RunRecord {
  id: string;
  status: RunStatus;
  chain: { id: string; version: string; file: string };
  input: string;
  started_at: string;
  finished_at?: string;
  failures?: Array<{ subtask?: number; code: string; message: string }>;
  stop?: RunStop;
  /** What an `awaiting-decision` run waits for: decision ids and their questions. */
  awaiting?: Array<{ decision: string; question: string; options: string[] }>;
  /** The process working on the run now (or last). */
  pid: number;
  resumes?: Array<{ at: string; pid: number }>;
  options: RecordedOptions;
  invocation?: Record<string, JsonValue>;
}

const overridesSchema = z.object({
  provider: z.string().optional(),
  modelId: z.string().optional(),
});
const count = z.number().int().nonnegative();

const recordedOptionsSchema = z.object({
  overrides: overridesSchema.optional(),
  subtaskOverrides: z.record(z.string(), overridesSchema).optional(),
  concurrency: count.optional(),
  repairAttempts: count.optional(),
  retryPolicy: z
    .object({
      maxAttempts: count.optional(),
      baseDelayMs: count.optional(),
      maxDelayMs: count.optional(),
      maxRetryAfterMs: count.optional(),
      timeoutMs: count.optional(),
    })
    .optional(),
  stream: z.boolean().optional(),
  caseName: z.string().optional(),
  budget: z
    .object({
      maxTokens: z.number().optional(),
      maxCostUsd: z.number().optional(),
      maxToolCalls: z.number().optional(),
    })
    .optional(),
});

const runRecordSchema = z.looseObject({
  id: z.string(),
  status: z.enum(['running', 'succeeded', 'failed', 'stopped', 'awaiting-decision']),
  chain: z.object({ id: z.string(), version: z.string(), file: z.string() }),
  input: z.string(),
  started_at: z.string(),
  finished_at: z.string().optional(),
  failures: z
    .array(z.object({ subtask: z.number().optional(), code: z.string(), message: z.string() }))
    .optional(),
  stop: z
    .object({
      limit: z.enum(['max-tokens', 'max-cost', 'max-tool-calls']),
      budget: z.number(),
      used: z.number(),
      reason: z.string(),
    })
    .optional(),
  awaiting: z
    .array(z.object({ decision: z.string(), question: z.string(), options: z.array(z.string()) }))
    .optional(),
  // Runs written before pids were recorded have none: they count as not running.
  pid: z.number().int().default(0),
  resumes: z.array(z.object({ at: z.string(), pid: z.number().int() })).optional(),
  options: recordedOptionsSchema.default({}),
  invocation: z.record(z.string(), z.json()).optional(),
});

/** run.json of a run directory; a missing or invalid one is a user error naming the file. */
export async function readRunRecord(directory: string): Promise<RunRecord> {
  const file = join(directory, 'run.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new WarroomError({
      code: 'USAGE',
      message: `${directory} is not a run directory (no run.json): pass a run id under $WARROOM_HOME/runs/ or a run directory`,
      cause,
      userError: true,
    });
  }
  const parsed = parseJson(text);
  const checked = parsed.ok ? runRecordSchema.safeParse(parsed.value) : undefined;
  if (!checked?.success) {
    const reason = parsed.ok
      ? (checked?.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [])
          .slice(0, 3)
          .join('; ')
      : parsed.message;
    throw new WarroomError({
      code: 'RUN_FAILED',
      file,
      ...(parsed.ok ? {} : { line: parsed.line }),
      message: `run.json is not a valid run record: ${reason}`,
    });
  }
  return checked.data as RunRecord;
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
