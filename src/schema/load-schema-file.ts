import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '../errors.js';
import type { JsonSchema } from './json-value.js';
import { parseJson } from './parse-json.js';
import { createSchemaValidator, type SchemaValidator } from './schema-validator.js';

export type LoadSchemaResult =
  | { ok: true; schema: JsonSchema }
  | { ok: false; diagnostic: Diagnostic };

export interface LoadSchemaOptions {
  /** Compile into this validator (under `id`, default the path) so it can validate later. */
  validator?: SchemaValidator;
  id?: string;
}

function problem(file: string, line: number, code: string, message: string): LoadSchemaResult {
  return { ok: false, diagnostic: { file, line, severity: 'error', code, message } };
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

async function readSchemaText(path: string): Promise<string | LoadSchemaResult> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      return problem(
        path,
        1,
        'SCHEMA_MISSING',
        `schema file not found: ${path} (create it or fix the path)`,
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    return problem(path, 1, 'SCHEMA_LOAD', `cannot read schema file ${path}: ${reason}`);
  }
}

/**
 * Reads, parses and compiles a JSON Schema file. Problems come back as a Diagnostic
 * (codes SCHEMA_MISSING, SCHEMA_LOAD, SCHEMA_JSON, SCHEMA_INVALID); a caller that
 * knows where the path was written (a chain's front matter) may relocate a missing
 * file's diagnostic to that line.
 */
export async function loadSchemaFile(
  path: string,
  options: LoadSchemaOptions = {},
): Promise<LoadSchemaResult> {
  const text = await readSchemaText(path);
  if (typeof text !== 'string') return text;
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const where = `line ${parsed.line}, column ${parsed.column}`;
    return problem(
      path,
      parsed.line,
      'SCHEMA_JSON',
      `schema is not valid JSON (${where}): ${parsed.message}`,
    );
  }
  const schema = parsed.value;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return problem(path, 1, 'SCHEMA_INVALID', 'a JSON Schema file must hold a JSON object');
  }
  const validator = options.validator ?? createSchemaValidator();
  const compiled = validator.compile(schema, options.id ?? path);
  if (!compiled.ok) {
    return problem(path, 1, 'SCHEMA_INVALID', `invalid JSON Schema: ${compiled.message}`);
  }
  return { ok: true, schema };
}
