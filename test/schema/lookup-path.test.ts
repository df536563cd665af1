import { describe, expect, it } from 'vitest';
import {
  createSchemaValidator,
  type JsonSchema,
  type JsonValue,
  lookupPath,
  schemaFromExample,
} from '../../src/schema/index.js';

const triageExample: JsonValue = {
  severity: 'high',
  affected_services: ['api', 'db'],
  timeline: [
    { at: '10:00', event: 'alert fired', owner: 'sre' },
    { at: '10:05', event: 'paged' },
  ],
  metrics: { error_rate: 0.2, p99_ms: 1200 },
  resolved: false,
  ticket: null,
};

describe('schemaFromExample', () => {
  const schema = schemaFromExample(triageExample);

  it('requires every key of an object and types values by JSON type', () => {
    expect(schema).toMatchObject({
      type: 'object',
      'x-derived-from-example': true,
      required: ['severity', 'affected_services', 'timeline', 'metrics', 'resolved', 'ticket'],
      properties: {
        severity: { type: 'string' },
        affected_services: { type: 'array', items: { type: 'string' } },
        metrics: { type: 'object', properties: { p99_ms: { type: 'number' } } },
        resolved: { type: 'boolean' },
        ticket: { type: 'null' },
      },
    });
  });

  it('merges array elements: keys from any element, required only if in every one', () => {
    expect(schema.properties).toMatchObject({
      timeline: { items: { required: ['at', 'event'], properties: { owner: { type: 'string' } } } },
    });
  });

  it('never turns example values into enums or consts', () => {
    expect(JSON.stringify(schema)).not.toMatch(/"enum"|"const"|alert fired/);
  });

  it('becomes a type list when array elements differ in kind', () => {
    expect(schemaFromExample(['a', null, 3])).toMatchObject({
      items: { type: ['string', 'null', 'number'] },
    });
  });

  it('derives a schema the validator accepts, which the example itself satisfies', () => {
    const validator = createSchemaValidator();
    expect(validator.compile(schema, 'derived')).toEqual({ ok: true });
    expect(validator.validate('derived', triageExample)).toEqual([]);
    expect(
      validator.validate('derived', { ...(triageExample as object), severity: 3 }),
    ).toHaveLength(1);
  });

  it('round-trips with lookupPath: example paths present, typos absent', () => {
    expect(lookupPath(schema, ['metrics', 'p99_ms'])).toEqual({ status: 'present' });
    expect(lookupPath(schema, ['timeline', '[]', 'owner'])).toEqual({ status: 'present' });
    expect(lookupPath(schema, ['timeline', '0', 'event'])).toEqual({ status: 'present' });
    expect(lookupPath(schema, ['affected_services', 'length'])).toEqual({ status: 'present' });
    expect(lookupPath(schema, ['metrics', 'p95_ms'])).toEqual({
      status: 'absent',
      missing: 'p95_ms',
      index: 1,
      available: ['error_rate', 'p99_ms'],
    });
  });
});

describe('lookupPath', () => {
  it('reports the first missing segment and the names available at its level', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { root_cause: { type: 'object', properties: { summary: {}, evidence: {} } } },
    };
    expect(lookupPath(schema, ['root_cause', 'sumary', 'text'])).toEqual({
      status: 'absent',
      missing: 'sumary',
      index: 1,
      available: ['summary', 'evidence'],
    });
  });

  it('follows local $ref into $defs and definitions', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { owner: { $ref: '#/$defs/person' }, backup: { $ref: '#/definitions/person' } },
      $defs: { person: { type: 'object', properties: { name: { type: 'string' } } } },
      definitions: { person: { type: 'object', properties: { email: { type: 'string' } } } },
    };
    expect(lookupPath(schema, ['owner', 'name'])).toEqual({ status: 'present' });
    expect(lookupPath(schema, ['backup', 'email'])).toEqual({ status: 'present' });
    expect(lookupPath(schema, ['owner', 'phone'])).toMatchObject({
      status: 'absent',
      available: ['name'],
    });
  });

  it('stops at a $ref cycle instead of recursing forever', () => {
    const schema: JsonSchema = { $ref: '#/$defs/loop', $defs: { loop: { $ref: '#/$defs/loop' } } };
    expect(lookupPath(schema, ['anything'])).toEqual({ status: 'unknown' });
  });

  it('finds a property present in any anyOf, oneOf or allOf branch', () => {
    const schema: JsonSchema = {
      type: 'object',
      anyOf: [
        { properties: { rollback: { type: 'string' } } },
        { properties: { hotfix: { type: 'string' } } },
      ],
      allOf: [{ required: ['rollback'] }],
    };
    expect(lookupPath(schema, ['hotfix'])).toEqual({ status: 'present' });
    expect(lookupPath(schema, ['revert'])).toMatchObject({
      status: 'absent',
      available: ['rollback', 'hotfix'],
    });
  });

  it('looks through nullable unions like type: [object, null]', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        mitigation: {
          type: ['object', 'null'],
          properties: { action: { type: ['string', 'null'] } },
          required: ['action'],
          additionalProperties: false,
        },
        owner: { anyOf: [{ type: 'null' }, { type: 'object', properties: { name: {} } }] },
      },
    };
    expect(lookupPath(schema, ['mitigation', 'action'])).toEqual({ status: 'present' });
    expect(lookupPath(schema, ['mitigation', 'actor'])).toMatchObject({ status: 'absent' });
    expect(lookupPath(schema, ['owner', 'name'])).toEqual({ status: 'present' });
    expect(lookupPath(schema, ['mitigation', 'action', 'x'])).toMatchObject({
      status: 'absent',
      missing: 'x',
    });
  });

  it('treats [] and numbers as array items, honouring prefixItems', () => {
    const schema: JsonSchema = {
      type: 'array',
      prefixItems: [{ type: 'object', properties: { first: {} } }],
      items: { type: 'object', properties: { rest: {} } },
    };
    expect(lookupPath(schema, ['0', 'first'])).toEqual({ status: 'present' });
    expect(lookupPath(schema, ['3', 'rest'])).toEqual({ status: 'present' });
    expect(lookupPath(schema, ['3', 'first'])).toMatchObject({
      status: 'absent',
      missing: 'first',
    });
    expect(lookupPath(schema, ['[]', 'first'])).toEqual({ status: 'present' });
    expect(lookupPath(schema, ['size'])).toMatchObject({ status: 'absent', available: ['length'] });
  });

  it('matches patternProperties and descends into additionalProperties schemas', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { name: {} },
      patternProperties: { '^x-': { type: 'string' } },
      additionalProperties: { type: 'object', properties: { value: {} } },
    };
    expect(lookupPath(schema, ['x-team'])).toEqual({ status: 'present' });
    expect(lookupPath(schema, ['cpu', 'value'])).toEqual({ status: 'present' });
    expect(lookupPath(schema, ['cpu', 'valu'])).toMatchObject({
      status: 'absent',
      missing: 'valu',
    });
  });

  it('is unknown where the schema does not constrain', () => {
    expect(lookupPath({}, ['a'])).toEqual({ status: 'unknown' });
    expect(lookupPath({ type: 'object' }, ['a'])).toEqual({ status: 'unknown' });
    expect(
      lookupPath({ type: 'object', properties: { a: {} }, additionalProperties: true }, ['b']),
    ).toEqual({
      status: 'unknown',
    });
    expect(lookupPath({ properties: { a: { $ref: 'other.json#/x' } } }, ['a', 'b'])).toEqual({
      status: 'unknown',
    });
    const unionWithFreeForm: JsonSchema = {
      anyOf: [
        { type: 'object', properties: { a: { type: 'object', properties: { b: {} } } } },
        { type: 'object', properties: { a: {} } },
      ],
    };
    expect(lookupPath(unionWithFreeForm, ['a', 'c'])).toEqual({ status: 'unknown' });
    expect(lookupPath({ type: 'object', properties: { a: true } }, ['a', 'b'])).toEqual({
      status: 'unknown',
    });
  });

  it('is absent where additionalProperties is false or a scalar has no properties', () => {
    const schema: JsonSchema = { type: 'object', additionalProperties: false };
    expect(lookupPath(schema, ['a'])).toEqual({
      status: 'absent',
      missing: 'a',
      index: 0,
      available: [],
    });
    expect(lookupPath({ type: 'string' }, ['a'])).toMatchObject({ status: 'absent' });
    expect(lookupPath({ type: 'string' }, ['length'])).toEqual({ status: 'present' });
  });

  it('is present for the empty path', () => {
    expect(lookupPath({ type: 'string' }, [])).toEqual({ status: 'present' });
  });
});
