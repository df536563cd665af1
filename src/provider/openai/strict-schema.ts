/**
 * Decides whether a JSON Schema can go to OpenAI as a strict structured-output
 * schema, and returns the copy to send. Strict mode rejects the whole request on a
 * keyword it does not know, so this is an allowlist: anything outside it falls back
 * to plain JSON mode (the engine validates the output either way).
 */
import type { JsonSchema, JsonValue } from '../spec.js';

export type StrictSchemaCheck = { ok: true; schema: JsonSchema } | { ok: false; reason: string };

/** Annotations strict mode does not accept but that carry no constraint: dropped. */
const droppedKeywords = new Set(['$schema', '$id', '$comment']);

const acceptedKeywords = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'anyOf',
  '$ref',
  '$defs',
  'definitions',
  'title',
  'description',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
]);

const acceptedFormats = new Set([
  'date-time',
  'time',
  'date',
  'duration',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uuid',
]);

/** Keywords whose value is a map of names to subschemas (the names are not keywords). */
const schemaMaps = new Set(['properties', '$defs', 'definitions']);

export function strictSchema(schema: JsonSchema): StrictSchemaCheck {
  const problems: string[] = [];
  const cleaned = cleanSchema(schema, '', problems);
  if (problems.length === 0 && !isRecord(cleaned)) problems.push('the schema is not an object');
  if (problems.length === 0 && isRecord(cleaned) && cleaned.type !== 'object') {
    problems.push('the root is not `type: "object"`');
  }
  const [reason] = problems;
  if (reason !== undefined || !isRecord(cleaned)) return { ok: false, reason: reason ?? '' };
  return { ok: true, schema: cleaned };
}

function cleanSchema(node: JsonValue, path: string, problems: string[]): JsonValue {
  if (!isRecord(node)) {
    problems.push(`${where(path)} is not a schema object`);
    return node;
  }
  const cleaned: JsonSchema = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (droppedKeywords.has(keyword) || keyword.startsWith('x-')) continue;
    if (!acceptedKeywords.has(keyword)) {
      problems.push(`${where(path)} uses \`${keyword}\`, which strict mode does not support`);
      continue;
    }
    cleaned[keyword] = cleanKeyword(keyword, value, `${path}/${keyword}`, problems);
  }
  checkObjectRules(cleaned, path, problems);
  return cleaned;
}

function cleanKeyword(
  keyword: string,
  value: JsonValue,
  path: string,
  problems: string[],
): JsonValue {
  if (schemaMaps.has(keyword)) {
    if (!isRecord(value)) return value;
    const entries = Object.entries(value).map(([name, schema]) => [
      name,
      cleanSchema(schema, `${path}/${escapePointer(name)}`, problems),
    ]);
    return Object.fromEntries(entries) as JsonSchema;
  }
  if (keyword === 'anyOf') {
    if (!Array.isArray(value)) return value;
    return value.map((schema, index) => cleanSchema(schema, `${path}/${index}`, problems));
  }
  if (keyword === 'items') return cleanSchema(value, path, problems);
  if (keyword === '$ref' && !(typeof value === 'string' && value.startsWith('#'))) {
    problems.push(`${where(path)} points outside the schema`);
  }
  if (keyword === 'format' && !(typeof value === 'string' && acceptedFormats.has(value))) {
    problems.push(`${where(path)} is a format strict mode does not support`);
  }
  return value;
}

/** Strict mode's two object rules: no extra properties, and every property required. */
function checkObjectRules(schema: JsonSchema, path: string, problems: string[]): void {
  const { type } = schema;
  const isObject =
    type === 'object' || (Array.isArray(type) && type.includes('object')) || 'properties' in schema;
  if (!isObject) return;
  if (schema.additionalProperties !== false) {
    problems.push(`${where(path)} does not set \`additionalProperties: false\``);
  }
  const names = isRecord(schema.properties) ? Object.keys(schema.properties) : [];
  const required = Array.isArray(schema.required) ? schema.required : [];
  const optional = names.filter((name) => !required.includes(name));
  if (optional.length > 0) {
    problems.push(
      `${where(path)} leaves ${optional.map((name) => `'${name}'`).join(', ')} optional (strict mode wants every property required, optional ones as a null union)`,
    );
  }
}

function isRecord(value: JsonValue | undefined): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function where(path: string): string {
  return path === '' ? 'the root schema' : `\`${path}\``;
}

function escapePointer(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}
