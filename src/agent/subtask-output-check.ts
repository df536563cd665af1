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

const fencePattern = /^ {0,3}(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/;
/** Info strings of a fence that wraps a whole Markdown reply (bare included). */
const wrapperInfo = new Set(['', 'markdown', 'md', 'text', 'txt']);

interface Fence {
  marker: string;
  info: string;
}

function fenceOf(line: string): Fence | undefined {
  const match = fencePattern.exec(line);
  return match ? { marker: match[1] ?? '', info: (match[2] ?? '').toLowerCase() } : undefined;
}

/**
 * The body of a reply that is one ```markdown fence from its first line to its
 * last, else undefined. The chain's prompt-fence rule applies inside (a fence with
 * an info string opens a level, a bare one closes the innermost), so a fenced
 * ```java block nests, while a reply that merely starts and ends with two
 * different code blocks is not mistaken for one wrapper.
 */
function unwrapWholeFence(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const opener = fenceOf(lines[0] ?? '');
  if (!opener || !wrapperInfo.has(opener.info)) return undefined;
  const open: Fence[] = [opener];
  for (let index = 1; index < lines.length; index++) {
    const fence = fenceOf(lines[index] ?? '');
    if (!fence) continue;
    const innermost = open[open.length - 1] as Fence;
    const closes =
      fence.info === '' &&
      fence.marker[0] === innermost.marker[0] &&
      fence.marker.length >= innermost.marker.length;
    if (closes) open.pop();
    else if (fence.info !== '') open.push(fence);
    if (open.length === 0)
      return index === lines.length - 1 ? lines.slice(1, index).join('\n') : undefined;
  }
  return undefined;
}

export function checkReply(
  text: string,
  spec: OutputSpec,
  validator: SchemaValidator,
): CheckedOutput {
  if (spec.kind === 'text') {
    const trimmed = text.trim();
    // A Markdown reply wrapped whole in one ```markdown fence is unwrapped.
    const unwrapped = unwrapWholeFence(trimmed) ?? trimmed;
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
