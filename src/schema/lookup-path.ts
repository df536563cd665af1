import type { JsonSchema, JsonValue } from './json-value.js';

export type PathLookup =
  | { status: 'present' }
  /** `missing` is `path[index]`; `available` lists the property names at that level. */
  | { status: 'absent'; missing: string; index: number; available: string[] }
  | { status: 'unknown' };

/** 'none': this part of a schema says nothing about the segment; others decide. */
type StepResult = PathLookup | { status: 'none' };
type SchemaObject = { [key: string]: JsonValue };

// $ref chains that consume no segment past this depth are cycles.
const maxExpansions = 64;
const present: PathLookup = { status: 'present' };
const unknown: PathLookup = { status: 'unknown' };
const none: StepResult = { status: 'none' };

interface Walk {
  root: JsonSchema;
  path: string[];
}

function isObject(value: JsonValue | undefined): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function absent(walk: Walk, index: number, available: string[]): PathLookup {
  return { status: 'absent', missing: walk.path[index] ?? '', index, available };
}

/** Present beats unknown beats absent; the deepest absence is the most telling. */
function combine(results: StepResult[]): StepResult {
  const decided = results.filter((result): result is PathLookup => result.status !== 'none');
  if (decided.some((result) => result.status === 'present')) return present;
  if (decided.some((result) => result.status === 'unknown')) return unknown;
  const absences = decided.filter((result) => result.status === 'absent');
  if (absences.length === 0) return none;
  const deepest = Math.max(...absences.map((result) => result.index));
  const atDeepest = absences.filter((result) => result.index === deepest);
  const available = [...new Set(atDeepest.flatMap((result) => result.available))];
  return { ...(atDeepest[0] as PathLookup & { status: 'absent' }), available };
}

function resolveRef(root: JsonSchema, ref: string): JsonValue | undefined {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: JsonValue | undefined = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    node = isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
  }
  return node;
}

function typesOf(node: SchemaObject): string[] {
  const { type } = node;
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? type.filter((item) => typeof item === 'string') : [];
}

function isUnconstrained(node: JsonValue | undefined): boolean {
  return node === true || (isObject(node) && Object.keys(node).length === 0);
}

function objectStep(node: SchemaObject, index: number, walk: Walk): StepResult {
  const segment = walk.path[index] ?? '';
  const properties = isObject(node.properties) ? node.properties : undefined;
  const patterns = isObject(node.patternProperties) ? node.patternProperties : undefined;
  const additional = node.additionalProperties;
  if (properties === undefined && patterns === undefined && additional === undefined) return none;
  const available = Object.keys(properties ?? {});
  if (properties !== undefined && Object.hasOwn(properties, segment) && segment !== '[]') {
    const property = properties[segment];
    return property === false ? absent(walk, index, available) : descend(property, index + 1, walk);
  }
  const matching = Object.entries(patterns ?? {}).filter(([pattern]) => matches(pattern, segment));
  if (matching.length > 0) {
    return combine(matching.map(([, schema]) => descend(schema, index + 1, walk)));
  }
  if (additional === false) return absent(walk, index, available);
  if (additional === undefined) return segment === '[]' ? unknown : absent(walk, index, available);
  if (isUnconstrained(additional)) return unknown;
  return descend(additional, index + 1, walk);
}

function matches(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(name);
  } catch {
    return false;
  }
}

/** The schemas that can describe the item at `position` (any item when undefined). */
function itemSchemas(node: SchemaObject, position: number | undefined): JsonValue[] {
  // Draft-07 tuple `items: [...]` reads as 2020-12 `prefixItems`.
  const tuple = Array.isArray(node.prefixItems)
    ? node.prefixItems
    : Array.isArray(node.items)
      ? node.items
      : [];
  const rest = node.items === undefined || Array.isArray(node.items) ? [] : [node.items];
  if (position === undefined) return [...tuple, ...rest];
  return position < tuple.length ? [tuple[position] as JsonValue] : rest;
}

function arrayStep(node: SchemaObject, index: number, walk: Walk): StepResult {
  const segment = walk.path[index] ?? '';
  if (segment === 'length') {
    return index + 1 === walk.path.length ? present : absent(walk, index + 1, []);
  }
  const isIndex = /^\d+$/.test(segment);
  if (!isIndex && segment !== '[]') return absent(walk, index, ['length']);
  if (!('items' in node) && !('prefixItems' in node)) return none;
  const schemas = itemSchemas(node, isIndex ? Number(segment) : undefined);
  const allowed = schemas.filter((schema) => schema !== false);
  if (schemas.length === 0) return unknown; // past a tuple with no `items`: anything goes
  if (allowed.length === 0) return absent(walk, index, ['length']);
  return combine(allowed.map((schema) => descend(schema, index + 1, walk)));
}

/** What the node's own keywords (not its $ref or combinators) say about the segment. */
function ownStep(node: SchemaObject, index: number, walk: Walk): StepResult {
  const types = typesOf(node);
  const results: StepResult[] = [];
  const objectLike = ['properties', 'patternProperties', 'additionalProperties'].some(
    (key) => key in node,
  );
  const arrayLike = 'items' in node || 'prefixItems' in node;
  if (types.includes('object') || objectLike) results.push(objectStep(node, index, walk));
  if (types.includes('array') || arrayLike) results.push(arrayStep(node, index, walk));
  if (results.length > 0) return combine(results);
  if (types.length === 0) return none;
  // Only scalar types: nothing to descend into (`length` of a string aside).
  const lastLength = walk.path[index] === 'length' && index + 1 === walk.path.length;
  return types.includes('string') && lastLength ? present : absent(walk, index, []);
}

/** Subschemas whose properties also count: present in any of them means present. */
function branchesOf(node: SchemaObject): JsonValue[] {
  const lists = ['allOf', 'anyOf', 'oneOf'].flatMap((key) => {
    const value = node[key];
    return Array.isArray(value) ? value : [];
  });
  const conditional = ['then', 'else'].flatMap((key) =>
    key in node ? [node[key] as JsonValue] : [],
  );
  const dependent = isObject(node.dependentSchemas) ? Object.values(node.dependentSchemas) : [];
  return [...lists, ...conditional, ...dependent];
}

function lookupAt(
  node: JsonValue | undefined,
  index: number,
  walk: Walk,
  expansions: number,
): StepResult {
  if (node === false) return absent(walk, Math.min(index, walk.path.length - 1), []);
  if (index === walk.path.length) return present;
  if (!isObject(node) || expansions > maxExpansions) return unknown;
  const results: StepResult[] = [ownStep(node, index, walk)];
  if (typeof node.$ref === 'string') {
    const target = resolveRef(walk.root, node.$ref);
    results.push(target === undefined ? unknown : lookupAt(target, index, walk, expansions + 1));
  }
  // A dynamic reference could point anywhere.
  if ('$dynamicRef' in node) results.push(unknown);
  for (const branch of branchesOf(node))
    results.push(lookupAt(branch, index, walk, expansions + 1));
  return combine(results);
}

/**
 * Into the schema of a property or an item. There, a schema that says nothing
 * (`{}`) allows anything: unknown, not the neutral 'none' of a combinator branch
 * such as `allOf: [{ required: [...] }]`.
 */
function descend(node: JsonValue | undefined, index: number, walk: Walk): PathLookup {
  const result = lookupAt(node, index, walk, 0);
  return result.status === 'none' ? unknown : result;
}

/**
 * Does `path` exist in values valid against `schema`? Segments are property names;
 * `[]` (or a number) is an item of an array, `length` an array's length. 'unknown'
 * means the schema does not say (free-form objects, external refs): not an error.
 */
export function lookupPath(schema: JsonSchema, path: string[]): PathLookup {
  return descend(schema, 0, { root: schema, path });
}
