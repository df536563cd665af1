/**
 * Typed reads of a tool's input. The agent loop has already validated the input
 * against the tool's JSON Schema; these checks exist for library callers that run
 * a tool directly, and to give TypeScript the types the schema promises.
 */
import type { JsonValue } from '../../provider/spec.js';

export type ToolInput = { readonly [key: string]: JsonValue };

export function toolInput(value: JsonValue): ToolInput {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('the input must be a JSON object');
  }
  return value;
}

// Own properties only: a key such as `__proto__` must never reach the prototype.
function read(input: ToolInput, key: string): JsonValue | undefined {
  return Object.hasOwn(input, key) ? input[key] : undefined;
}

export function optionalString(input: ToolInput, key: string): string | undefined {
  const value = read(input, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`${key} must be a string`);
  return value === '' ? undefined : value;
}

export function requiredString(input: ToolInput, key: string): string {
  const value = optionalString(input, key);
  if (value === undefined) throw new Error(`${key} is required`);
  return value;
}

export function optionalBoolean(input: ToolInput, key: string): boolean | undefined {
  const value = read(input, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new Error(`${key} must be true or false`);
  return value;
}

export function optionalChoice<Choice extends string>(
  input: ToolInput,
  key: string,
  choices: readonly Choice[],
): Choice | undefined {
  const value = optionalString(input, key);
  if (value === undefined) return undefined;
  const choice = choices.find((candidate) => candidate === value);
  if (choice === undefined) throw new Error(`${key} must be one of ${choices.join(', ')}`);
  return choice;
}

/** A page size: a whole number from 1 to `max`, `fallback` when absent. */
export function limitOf(input: ToolInput, max: number, fallback: number): number {
  const value = read(input, 'limit');
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`limit must be a whole number from 1 to ${max}`);
  }
  return value;
}
