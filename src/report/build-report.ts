/**
 * The report: the chain's aggregation template rendered against the chain input
 * and the subtask outputs — a pure function of those, so two runs of the same
 * work compare equal — then validated against the report schema.
 */
import { WarroomError } from '../errors.js';
import type { JsonSchema, SchemaValidator, Violation } from '../schema/index.js';
import { type JsonTemplate, renderJsonTemplate } from '../template/index.js';

export type Report = Record<string, unknown>;

/** A subtask the run finished without (optional and failed, or not run at this severity). */
export interface MissingSubtask {
  subtask: number;
  title: string;
  reason: 'failed' | 'not-routed';
  because: string;
}

/** A decision taken in the run, as the report lists it. */
export interface ReportedDecision {
  subtask: number;
  kind: 'choice' | 'approval';
  question: string;
  chosen: string;
  by: 'flag' | 'operator';
}

/**
 * Template scope: chain input fields at the top level, plus `subtask_N_output` and,
 * for decision points, `subtask_N_decision` (the chosen option).
 */
export function templateContext(
  input: unknown,
  outputs: Map<number, unknown>,
  decisions: ReadonlyMap<number, unknown> = new Map(),
): Record<string, unknown> {
  const context: Record<string, unknown> =
    input !== null && typeof input === 'object' && !Array.isArray(input) ? { ...input } : {};
  for (const [number, output] of outputs) context[`subtask_${number}_output`] = output;
  for (const [number, option] of decisions) context[`subtask_${number}_decision`] = option;
  return context;
}

export function buildReport(
  aggregation: JsonTemplate | undefined,
  input: unknown,
  outputs: Map<number, unknown>,
  options: {
    absent?: MissingSubtask[];
    decisions?: ReadonlyMap<number, unknown>;
    decisionLog?: ReportedDecision[];
  } = {},
): Report {
  const absent = options.absent ?? [];
  const log = options.decisionLog ?? [];
  // Listed only when there is something to say, so other runs' reports are unchanged.
  const missing = {
    ...(absent.length > 0 ? { missing: absent } : {}),
    ...(log.length > 0 ? { decisions: log } : {}),
  };
  if (!aggregation) {
    return {
      subtasks: Object.fromEntries(
        [...outputs].map(([number, output]) => [String(number), output]),
      ),
      ...missing,
    };
  }
  const rendered = renderJsonTemplate(
    aggregation,
    templateContext(input, outputs, options.decisions),
    new Set(absent.map((entry) => `subtask_${entry.subtask}_output`)),
  );
  if (rendered === null || typeof rendered !== 'object' || Array.isArray(rendered)) {
    throw new WarroomError({
      code: 'TEMPLATE_PARSE',
      message: 'the Final Output Aggregation must render a JSON object',
      userError: true,
    });
  }
  return { ...(rendered as Report), ...missing };
}

export function validateReport(
  report: Report,
  schema: { schema: JsonSchema; file: string } | undefined,
  validator: SchemaValidator,
): Violation[] {
  return schema ? validator.validate(schema.file, report) : [];
}
