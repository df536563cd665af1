import type { ErrorObject } from 'ajv/dist/2020.js';

/** One way a value breaks its schema, located by a readable JSON path (`$` is the root). */
export interface Violation {
  path: string;
  message: string;
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const maxShownValueLength = 60;

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function childOf(value: unknown, segment: string): unknown {
  if (Array.isArray(value)) return value[Number(segment)];
  if (typeof value === 'object' && value !== null && Object.hasOwn(value, segment)) {
    return (value as Record<string, unknown>)[segment];
  }
  return undefined;
}

/**
 * `$.a.b[2].c` from ajv's JSON Pointer. The data is walked alongside, because a
 * pointer segment `2` is an array index only when the value there is an array.
 */
export function readablePath(pointer: string, data: unknown): string {
  let path = '$';
  let value = data;
  for (const segment of pointerSegments(pointer)) {
    if (Array.isArray(value)) path += `[${segment}]`;
    else if (identifier.test(segment)) path += `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
    value = childOf(value, segment);
  }
  return path;
}

function valueAt(pointer: string, data: unknown): unknown {
  return pointerSegments(pointer).reduce<unknown>(childOf, data);
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > maxShownValueLength ? `${text.slice(0, maxShownValueLength - 3)}...` : text;
}

function listed(values: unknown): string {
  return Array.isArray(values) ? values.map(shown).join(', ') : shown(values);
}

/** ajv's message with the params that make it actionable spelled out. */
function describe(error: ErrorObject, data: unknown): string {
  const params = error.params as Record<string, unknown>;
  const got = () => ` (got ${shown(valueAt(error.instancePath, data))})`;
  switch (error.keyword) {
    case 'required':
      return `must have required property '${String(params.missingProperty)}'`;
    case 'additionalProperties':
      return `must NOT have additional property '${String(params.additionalProperty)}'`;
    case 'unevaluatedProperties':
      return `must NOT have unevaluated property '${String(params.unevaluatedProperty)}'`;
    case 'enum':
      return `must be one of ${listed(params.allowedValues)}${got()}`;
    case 'const':
      return `must be equal to ${shown(params.allowedValue)}${got()}`;
    case 'type': {
      const types = Array.isArray(params.type) ? params.type : String(params.type).split(',');
      return `must be ${types.join(' or ')}${got()}`;
    }
    default:
      return error.message ?? `must pass "${error.keyword}"`;
  }
}

/** Violations from ajv's errors, in order, without the duplicates combinators produce. */
export function toViolations(errors: readonly ErrorObject[], data: unknown): Violation[] {
  const seen = new Set<string>();
  const violations: Violation[] = [];
  for (const error of errors) {
    const violation = {
      path: readablePath(error.instancePath, data),
      message: describe(error, data),
    };
    const key = `${violation.path}\u0000${violation.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    violations.push(violation);
  }
  return violations;
}

/** One line per violation, indented, for logs, diagnostics and repair prompts. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((violation) => `  ${violation.path}: ${violation.message}`).join('\n');
}
