/**
 * schema/: loading JSON Schemas (draft 2020-12), the ajv instance that validates
 * model outputs and tool inputs, JSON extraction from model text, and schema path
 * lookup for preflight. Knows nothing of Markdown or providers.
 */

export { type ExtractJsonResult, extractJson } from './extract-json.js';
export type { JsonSchema, JsonValue } from './json-value.js';
export {
  type LoadSchemaOptions,
  type LoadSchemaResult,
  loadSchemaFile,
} from './load-schema-file.js';
export { lookupPath, type PathLookup } from './lookup-path.js';
export { type ParseJsonResult, parseJson } from './parse-json.js';
export { schemaFromExample } from './schema-from-example.js';
export {
  type CompileResult,
  createSchemaValidator,
  type SchemaValidator,
} from './schema-validator.js';
export { editDistance, suggest } from './suggest.js';
export { formatViolations, type Violation } from './violation.js';
