/**
 * The report: the chain's aggregation template rendered against the chain input
 * and the subtask outputs — a pure function of those, so two runs of the same
 * work compare equal — then validated against the report schema.
 */
import { WarroomError } from '../errors.js';
import type { JsonSchema, SchemaValidator, Violation } from '../schema/index.js';
import { type JsonTemplate, renderJsonTemplate } from '../template/index.js';

export type Report = Record<string, unknown>;

/** Template scope: chain input fields at the top level, plus `subtask_N_output`. */
export function templateContext(
  input: unknown,
  outputs: Map<number, unknown>,
): Record<string, unknown> {
  const context: Record<string, unknown> =
    input !== null && typeof input === 'object' && !Array.isArray(input) ? { ...input } : {};
  for (const [number, output] of outputs) context[`subtask_${number}_output`] = output;
  return context;
}

export function buildReport(
  aggregation: JsonTemplate | undefined,
  input: unknown,
  outputs: Map<number, unknown>,
): Report {
  if (!aggregation) {
    return {
      subtasks: Object.fromEntries(
        [...outputs].map(([number, output]) => [String(number), output]),
      ),
    };
  }
  const rendered = renderJsonTemplate(aggregation, templateContext(input, outputs));
  if (rendered === null || typeof rendered !== 'object' || Array.isArray(rendered)) {
    throw new WarroomError({
      code: 'TEMPLATE_PARSE',
      message: 'the Final Output Aggregation must render a JSON object',
      userError: true,
    });
  }
  return rendered as Report;
}

export function validateReport(
  report: Report,
  schema: { schema: JsonSchema; file: string } | undefined,
  validator: SchemaValidator,
): Violation[] {
  return schema ? validator.validate(schema.file, report) : [];
}
