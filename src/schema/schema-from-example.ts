import type { JsonSchema, JsonValue } from './json-value.js';

type JsonKind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';
type JsonObject = { [key: string]: JsonValue };

function kindOf(value: JsonValue): JsonKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as 'boolean' | 'number' | 'string' | 'object';
}

function objectKeywords(objects: JsonObject[]): JsonSchema {
  const keys = [...new Set(objects.flatMap((object) => Object.keys(object)))];
  const properties: JsonSchema = {};
  for (const key of keys) {
    const values = objects
      .filter((object) => Object.hasOwn(object, key))
      .map((object) => object[key]);
    properties[key] = schemaForValues(values as JsonValue[]);
  }
  // A key missing from some elements of an example array is evidently optional.
  const required = keys.filter((key) => objects.every((object) => Object.hasOwn(object, key)));
  return { properties, required };
}

function arrayKeywords(arrays: JsonValue[][]): JsonSchema {
  const elements = arrays.flat();
  return elements.length === 0 ? {} : { items: schemaForValues(elements) };
}

/**
 * One schema for every value seen in one place. Mixed kinds become a `type` list:
 * `properties` and `items` apply only to their own kind, so one schema holds them all.
 */
function schemaForValues(values: JsonValue[]): JsonSchema {
  const kinds = [...new Set(values.map(kindOf))];
  const schema: JsonSchema = { type: kinds.length === 1 ? (kinds[0] as JsonKind) : kinds };
  const objects = values.filter((value): value is JsonObject => kindOf(value) === 'object');
  const arrays = values.filter((value): value is JsonValue[] => Array.isArray(value));
  if (objects.length > 0) Object.assign(schema, objectKeywords(objects));
  if (arrays.length > 0) Object.assign(schema, arrayKeywords(arrays));
  return schema;
}

/**
 * A draft 2020-12 schema for outputs shaped like `example`: every object key is
 * listed and required (unless only some array elements have it), values constrained
 * by JSON type only. Integers are `number` and example values never become enums,
 * because an example shows one answer, not the set of allowed answers.
 */
export function schemaFromExample(example: JsonValue): JsonSchema {
  return { ...schemaForValues([example]), 'x-derived-from-example': true };
}
