/**
 * Turns a model's reply into a subtask output: JSON extracted and validated
 * against the subtask's schema, or Markdown text. A failure lists every
 * violation with its JSON path, which is what a repair turn sends back.
 */
import {
  extractJson,
  type JsonSchema,
  type JsonValue,
  type SchemaValidator,
  type Violation,
} from '../schema/index.js';

export interface OutputSpec {
  kind: 'json' | 'text';
  /** Validated at run time when present (a schema file's id in the validator, or the schema). */
  schema?: string | JsonSchema;
}

export type CheckedOutput =
  | { ok: true; value: JsonValue | string }
  | { ok: false; violations: Violation[] };

const wholeFence = /^```[\w-]*[ \t]*\n([\s\S]*?)\n```\s*$/;

export function checkReply(
  text: string,
  spec: OutputSpec,
  validator: SchemaValidator,
): CheckedOutput {
  if (spec.kind === 'text') {
    const trimmed = text.trim();
    // A Markdown reply wrapped whole in one ```markdown fence is unwrapped.
    const unwrapped = wholeFence.exec(trimmed)?.[1] ?? trimmed;
    if (unwrapped.trim() === '')
      return { ok: false, violations: [{ path: '$', message: 'the reply is empty' }] };
    return { ok: true, value: unwrapped };
  }
  const extracted = extractJson(text);
  if (!extracted.ok) return { ok: false, violations: [{ path: '$', message: extracted.message }] };
  if (spec.schema === undefined) return { ok: true, value: extracted.value };
  const violations = validator.validate(spec.schema, extracted.value);
  return violations.length === 0 ? { ok: true, value: extracted.value } : { ok: false, violations };
}
