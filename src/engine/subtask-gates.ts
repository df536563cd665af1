/**
 * Whether a ready subtask runs: it is skipped when a subtask it needs ended
 * without output (optional and failed, or not routed), or when the incident's
 * severity is not one its `when.severity` lists. The severity is read when it is
 * needed — from the input, or from the output of the subtask that decides it —
 * so a resumed run decides the same way from the outputs it restored.
 */
import { normalizeSeverity, type Severity } from '../chain/index.js';
import { WarroomError } from '../errors.js';
import { effectiveSeveritySource, type PreparedSubtask } from '../preflight/index.js';
import type { AbsentSubtask, RunState } from './run-state.js';

export type Gate = { run: true } | { run: false; absent: AbsentSubtask; severity?: Severity };

export function gateSubtask(state: RunState, item: PreparedSubtask): Gate {
  const number = item.subtask.number;
  // Its own gate first: "runs only at SEV-1" says more than "needs subtask 5".
  const when = item.subtask.when;
  const decider = effectiveSeveritySource(state.options.prepared.chain)?.subtask;
  if (when && (decider === undefined || !state.absent.has(decider))) {
    const severity = runSeverity(state);
    if (!when.severities.includes(severity)) {
      return {
        run: false,
        severity,
        absent: {
          subtask: number,
          reason: 'not-routed',
          because: `runs only at ${when.severities.join(', ')}; this incident is ${severity}`,
        },
      };
    }
  }
  const missing = item.dependencies
    .map((dependency) => state.absent.get(dependency))
    .find((absent) => absent !== undefined);
  if (!missing) return { run: true };
  const because =
    missing.reason === 'not-routed'
      ? `needs subtask ${missing.subtask}, which this severity does not run`
      : `needs subtask ${missing.subtask}, which has no output`;
  return { run: false, absent: { subtask: number, reason: missing.reason, because } };
}

/** The incident's severity; a value that is not one is a run failure naming where it came from. */
export function runSeverity(state: RunState): Severity {
  const { chain, input } = state.options.prepared;
  const source = effectiveSeveritySource(chain);
  if (!source) throw new Error('runSeverity needs a chain with severity gates');
  const [root, ...rest] = source.path;
  let value: unknown =
    source.subtask === undefined ? input.value : state.outputs.get(source.subtask);
  for (const key of source.subtask === undefined ? source.path : rest) {
    value =
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  const severity = normalizeSeverity(value);
  if (severity) return severity;
  const where =
    source.subtask === undefined
      ? `input field "${source.path.join('.')}"`
      : `"${[root, ...rest].join('.')}"`;
  throw new WarroomError({
    code: 'SEVERITY_UNKNOWN',
    message: `${where} is ${JSON.stringify(value) ?? 'missing'}, not a severity (SEV-1..SEV-4 or P0..P3): cannot decide which severity-gated subtasks run`,
    file: chain.file,
    line: source.line,
  });
}
