/**
 * The chain's input schema (front matter, conventional file, or derived from the
 * Input Requirements example) and the check of an input against it.
 */
import { dirname, join, resolve } from 'node:path';
import type { Chain } from '../chain/index.js';
import type { Diagnostic } from '../errors.js';
import {
  type JsonSchema,
  type JsonValue,
  loadSchemaFile,
  parseJson,
  type SchemaValidator,
  schemaFromExample,
} from '../schema/index.js';
import { lineOfJsonPath } from './json-locations.js';
import { pathExists } from './path-exists.js';

export interface ChainInput {
  value: JsonValue;
  /** File it came from, or `<inline input>`, or the chain file for its example. */
  file: string;
  /** The JSON text, to map violations to lines. */
  text: string;
  /** Line of the text's first line in `file`. */
  line: number;
}

export interface InputSchema {
  schema: JsonSchema;
  source: 'file' | 'example' | 'none';
  file?: string;
}

export async function resolveInputSchema(
  chain: Chain,
  schemasDir: string,
  validator: SchemaValidator,
  diagnostics: Diagnostic[],
): Promise<InputSchema> {
  const declared = chain.inputSchemaPath;
  const conventional = join(schemasDir, `${chain.id}.input.schema.json`);
  const path = declared ? resolve(dirname(chain.file), declared.text) : conventional;
  if (declared || (await pathExists(conventional))) {
    const loaded = await loadSchemaFile(path, { validator, id: path });
    if (loaded.ok) return { schema: loaded.schema, source: 'file', file: path };
    const diagnostic = loaded.diagnostic;
    if (declared && diagnostic.code === 'SCHEMA_MISSING') {
      diagnostics.push({ ...diagnostic, file: chain.file, line: declared.line });
    } else {
      diagnostics.push(diagnostic);
    }
    return { schema: {}, source: 'none' };
  }
  const example = exampleInput(chain, diagnostics);
  if (example) return { schema: schemaFromExample(example.value), source: 'example' };
  return { schema: {}, source: 'none' };
}

/** The `## Input Requirements` example, parsed. */
export function exampleInput(chain: Chain, diagnostics?: Diagnostic[]): ChainInput | undefined {
  const example = chain.inputExample;
  if (!example) return undefined;
  const parsed = parseJson(example.text);
  if (!parsed.ok) {
    diagnostics?.push({
      file: chain.file,
      line: example.line + parsed.line - 1,
      severity: 'error',
      code: 'INPUT_EXAMPLE_JSON',
      message: `Input Requirements example is not valid JSON: ${parsed.message}`,
    });
    return undefined;
  }
  return { value: parsed.value, file: chain.file, text: example.text, line: example.line };
}

export function checkInput(
  input: ChainInput,
  inputSchema: InputSchema,
  validator: SchemaValidator,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (input.value === null || typeof input.value !== 'object' || Array.isArray(input.value)) {
    return [
      {
        file: input.file,
        line: input.line,
        severity: 'error',
        code: 'INPUT_INVALID',
        message: 'chain input must be a JSON object',
      },
    ];
  }
  if (inputSchema.source === 'none') return diagnostics;
  const against =
    inputSchema.source === 'file'
      ? `input schema ${inputSchema.file}`
      : 'the Input Requirements example';
  for (const violation of validator.validate(inputSchema.schema, input.value)) {
    diagnostics.push({
      file: input.file,
      line: input.line + lineOfJsonPath(input.text, violation.path) - 1,
      severity: 'error',
      code: 'INPUT_INVALID',
      message: `input ${violation.path}: ${violation.message} (checked against ${against})`,
    });
  }
  return diagnostics;
}
