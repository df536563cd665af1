import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { WarroomError } from '../errors.js';
import type { JsonSchema } from './json-value.js';
import { formatViolations, toViolations, type Violation } from './violation.js';

export type CompileResult = { ok: true } | { ok: false; message: string };

/** One ajv instance (draft 2020-12, every error reported) and the schemas compiled in it. */
export interface SchemaValidator {
  /** Compiles and caches a schema under `id`; a later compile with the same id replaces it. */
  compile(schema: JsonSchema, id: string): CompileResult;
  has(id: string): boolean;
  /** Every violation of the schema (by compiled id, or a schema object); empty when valid. */
  validate(schema: string | JsonSchema, value: unknown): Violation[];
  formatViolations(violations: readonly Violation[]): string;
}

function createAjv(): Ajv2020 {
  // Not strict: hand-written schemas carry `examples`, `description` and `x-` keywords.
  // No logger: the library never prints; problems come back as results.
  const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false });
  addFormats.default(ajv);
  return ajv;
}

function explainCompileError(error: unknown, schema: JsonSchema): string {
  const message = error instanceof Error ? error.message : String(error);
  const declared = schema.$schema;
  if (typeof declared === 'string' && message.includes(declared)) {
    return `unsupported $schema "${declared}": warroom uses JSON Schema draft 2020-12 (https://json-schema.org/draft/2020-12/schema)`;
  }
  return message;
}

export function createSchemaValidator(): SchemaValidator {
  const ajv = createAjv();
  const compiled = new Map<string, ValidateFunction>();

  function compileFunction(schema: JsonSchema): ValidateFunction {
    // ajv keeps schemas with an `$id`; reloading an edited file must replace it, not clash.
    const schemaId = schema.$id;
    if (typeof schemaId === 'string') {
      const existing = ajv.getSchema(schemaId);
      if (existing?.schema === schema) return existing;
      if (existing !== undefined) ajv.removeSchema(schemaId);
    }
    return ajv.compile(schema);
  }

  function compile(schema: JsonSchema, id: string): CompileResult {
    try {
      compiled.set(id, compileFunction(schema));
      return { ok: true };
    } catch (error) {
      return { ok: false, message: explainCompileError(error, schema) };
    }
  }

  function functionFor(schema: string | JsonSchema): ValidateFunction {
    if (typeof schema !== 'string') {
      try {
        // ajv caches by schema object, so validating with the same object stays cheap.
        return compileFunction(schema);
      } catch (error) {
        const message = `invalid JSON Schema: ${explainCompileError(error, schema)}`;
        throw new WarroomError({ code: 'SCHEMA_INVALID', message, cause: error });
      }
    }
    const known = compiled.get(schema);
    if (known === undefined) throw new Error(`schema "${schema}" was never compiled`);
    return known;
  }

  return {
    compile,
    has: (id) => compiled.has(id),
    validate(schema, value) {
      const validateFunction = functionFor(schema);
      if (validateFunction(value)) return [];
      return toViolations(validateFunction.errors ?? [], value);
    },
    formatViolations,
  };
}
