import { describe, expect, it } from 'vitest';
import { strictSchema } from '../../src/provider/openai/strict-schema.js';

const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
  ...extra,
});

describe('strictSchema: what OpenAI strict mode takes', () => {
  it('accepts nested objects, arrays, null unions and local $refs, dropping annotations', () => {
    const schema = object(
      {
        owner: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        steps: { type: 'array', items: object({ action: { type: 'string', 'x-hint': 'verb' } }) },
        impact: { $ref: '#/$defs/impact' },
      },
      { $defs: { impact: object({ users: { type: 'integer', minimum: 0 } }, { $id: 'impact' }) } },
    );
    const check = strictSchema(JSON.parse(JSON.stringify(schema)));
    expect(check.ok).toBe(true);
    expect(JSON.stringify(check.ok && check.schema)).not.toMatch(/x-hint|\$id/);
  });

  it.each([
    [
      'a nested object with an optional property',
      object({ inner: { type: 'object', properties: { a: {} }, additionalProperties: false } }),
      'optional',
    ],
    [
      'a nested object open to extra properties',
      object({ inner: { type: 'object', properties: {}, required: [] } }),
      'additionalProperties',
    ],
    ['a default value', object({ a: { type: 'string', default: 'x' } }), 'default'],
    ['oneOf', object({ a: { oneOf: [{ type: 'string' }] } }), 'oneOf'],
    ['a $ref outside the schema', object({ a: { $ref: 'other.json' } }), 'outside'],
    ['an unsupported format', object({ a: { type: 'string', format: 'uri' } }), 'format'],
    ['a root that is not an object', { type: 'array', items: { type: 'string' } }, 'root'],
  ])('refuses %s, saying why', (_name, schema, reason) => {
    const check = strictSchema(JSON.parse(JSON.stringify(schema)));
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toContain(reason);
  });
});
