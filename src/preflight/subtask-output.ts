/**
 * What a subtask's output looks like, for reference checks and validation: a
 * schema file (validated at run time), or a shape derived from the OUTPUT FORMAT
 * example (used only to check references), or Markdown text.
 */
import { dirname, join, resolve } from 'node:path';
import type { Chain, Subtask } from '../chain/index.js';
import type { Diagnostic } from '../errors.js';
import {
  extractJson,
  type JsonSchema,
  loadSchemaFile,
  type SchemaValidator,
  schemaFromExample,
} from '../schema/index.js';
import { pathExists } from './path-exists.js';

export interface SubtaskOutput {
  kind: 'json' | 'text';
  schema?: JsonSchema;
  /** `file`: validated at run time; `example`: only used to check references. */
  schemaSource?: 'file' | 'example';
  /** Absolute path of the schema file (also its id in the validator). */
  schemaFile?: string;
}

export async function resolveSubtaskOutput(
  chain: Chain,
  subtask: Subtask,
  schemasDir: string,
  validator: SchemaValidator,
  diagnostics: Diagnostic[],
): Promise<SubtaskOutput> {
  const declared = subtask.schemaPath;
  const conventional = join(schemasDir, `${chain.id}.subtask-${subtask.number}.schema.json`);
  const path = declared ? resolve(dirname(chain.file), declared.text) : conventional;
  if (declared || (await pathExists(conventional))) {
    const loaded = await loadSchemaFile(path, { validator, id: path });
    if (loaded.ok)
      return { kind: 'json', schema: loaded.schema, schemaSource: 'file', schemaFile: path };
    const diagnostic = loaded.diagnostic;
    if (declared && diagnostic.code === 'SCHEMA_MISSING') {
      diagnostics.push({
        ...diagnostic,
        file: chain.file,
        line: declared.line,
        message: `subtask ${subtask.number}: output schema file not found: ${declared.text} (resolved to ${path})`,
      });
    } else {
      diagnostics.push(diagnostic);
    }
    return { kind: 'json' };
  }
  if (subtask.outputFormat.kind !== 'json') return { kind: 'text' };
  return deriveFromExample(chain, subtask, diagnostics);
}

function deriveFromExample(
  chain: Chain,
  subtask: Subtask,
  diagnostics: Diagnostic[],
): SubtaskOutput {
  const example = subtask.outputFormat.example;
  const extracted = example ? extractJson(example.text) : undefined;
  if (extracted?.ok) {
    return { kind: 'json', schema: schemaFromExample(extracted.value), schemaSource: 'example' };
  }
  diagnostics.push({
    file: chain.file,
    line: subtask.outputFormat.line,
    severity: 'warning',
    code: 'OUTPUT_EXAMPLE',
    message: `subtask ${subtask.number}: no output schema and the OUTPUT FORMAT example ${
      extracted ? `does not parse (${extracted.message})` : 'is missing'
    }; paths into its output are not checked`,
  });
  return { kind: 'json' };
}
