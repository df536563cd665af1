/**
 * Subtasks that may not run: optional ones (a failure is recorded, not fatal) and
 * severity-gated ones (`when.severity`). Pre-flight makes sure the run can always
 * finish without them: where the severity comes from is known and readable, a
 * gated subtask waits for the subtask that decides the severity, and nothing
 * that must run depends on something that may not.
 */
import {
  type Chain,
  normalizeSeverity,
  type SeveritySource,
  type Subtask,
} from '../chain/index.js';
import type { Diagnostic } from '../errors.js';
import type { ChainInput, InputSchema } from './chain-input.js';
import { checkReferences } from './reference-check.js';
import type { SubtaskOutput } from './subtask-output.js';

/** The severity source a chain with gated subtasks uses: front matter, else the input's `severity`. */
export function effectiveSeveritySource(chain: Chain): SeveritySource | undefined {
  if (chain.severitySource) return chain.severitySource;
  const gated = chain.subtasks.find((subtask) => subtask.when);
  return gated?.when ? { path: ['severity'], line: gated.when.line } : undefined;
}

/** A subtask that may end without output: optional, or gated by severity. */
export function isConditional(subtask: Subtask): boolean {
  return subtask.optional || subtask.when !== undefined;
}

/**
 * Extra dependency edges: a gated subtask waits for the subtask that decides the
 * severity. Also checks the source itself (path, value when it is in the input).
 */
export function severityDependencies(
  chain: Chain,
  scope: { outputs: Map<number, SubtaskOutput>; inputSchema: InputSchema; input?: ChainInput },
  diagnostics: Diagnostic[],
): Map<number, number[]> {
  const edges = new Map<number, number[]>();
  const source = effectiveSeveritySource(chain);
  const gated = chain.subtasks.filter((subtask) => subtask.when);
  if (!source || gated.length === 0) return edges;
  const decider = source.subtask;
  if (decider === undefined) {
    checkInputSeverity(chain, source, gated, scope.input, diagnostics);
    return edges;
  }
  const reference = {
    path: source.path,
    text: source.path.join('.'),
    line: source.line,
    column: 1,
    optional: false,
  };
  const checked = checkReferences([reference], {
    file: chain.file,
    consumer: undefined,
    outputs: scope.outputs,
    inputSchema: scope.inputSchema,
  });
  for (const diagnostic of checked.diagnostics) {
    diagnostics.push({ ...diagnostic, message: `severity.from: ${diagnostic.message}` });
  }
  for (const subtask of gated) {
    if (subtask.number === decider) {
      diagnostics.push(
        error(
          chain.file,
          subtask.when?.line ?? subtask.line,
          'SEVERITY_GATE',
          `subtask ${subtask.number} decides the severity (severity.from), so it cannot also be gated by it`,
        ),
      );
    } else {
      edges.set(subtask.number, [decider]);
    }
  }
  return edges;
}

function checkInputSeverity(
  chain: Chain,
  source: SeveritySource,
  gated: Subtask[],
  input: ChainInput | undefined,
  diagnostics: Diagnostic[],
): void {
  if (!input) return;
  let value: unknown = input.value;
  for (const key of source.path) {
    value =
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  if (normalizeSeverity(value) !== undefined) return;
  const path = source.path.join('.');
  const who = gated.map((subtask) => subtask.number).join(', ');
  const message =
    value === undefined
      ? `subtask ${who} ${gated.length > 1 ? 'run' : 'runs'} only at some severities, but the input has no "${path}" (${input.file}); give the input a severity (SEV-1..SEV-4 or P0..P3) or set front matter severity.from to the subtask that decides it`
      : `input field "${path}" is ${JSON.stringify(value)} (${input.file}), not a severity: SEV-1..SEV-4 or P0..P3`;
  diagnostics.push(error(chain.file, source.line, 'SEVERITY_SOURCE', message));
}

/**
 * A subtask that must run cannot depend on one that may not: when that one is
 * missing, there would be nothing to give it.
 */
export function checkConditionalDependencies(
  chain: Chain,
  dependencies: Map<number, number[]>,
  diagnostics: Diagnostic[],
): void {
  const byNumber = new Map(chain.subtasks.map((subtask) => [subtask.number, subtask]));
  for (const subtask of chain.subtasks) {
    if (isConditional(subtask)) continue;
    for (const needed of dependencies.get(subtask.number) ?? []) {
      const producer = byNumber.get(needed);
      if (!producer || !isConditional(producer)) continue;
      const why = producer.optional ? 'optional' : 'gated by severity (when.severity)';
      diagnostics.push(
        error(
          chain.file,
          subtask.line,
          'CONDITIONAL_DEPENDENCY',
          `subtask ${subtask.number} must run but depends on subtask ${needed}, which is ${why}; mark subtask ${subtask.number} optional too, or gate it the same way`,
        ),
      );
    }
  }
}

function error(file: string, line: number, code: string, message: string): Diagnostic {
  return { file, line, severity: 'error', code, message };
}
