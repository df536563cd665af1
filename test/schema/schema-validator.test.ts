import { describe, expect, it } from 'vitest';
import {
  createSchemaValidator,
  formatViolations,
  type JsonSchema,
} from '../../src/schema/index.js';

const rootCauseSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  description: 'hand-written, with annotations ajv must tolerate',
  examples: [{}],
  'x-owner': 'sre',
  properties: {
    severity: { enum: ['low', 'medium', 'high'] },
    detected_at: { type: 'string', format: 'date-time' },
    root_cause_analysis: {
      type: 'object',
      properties: {
        five_whys: {
          type: 'array',
          items: {
            type: 'object',
            properties: { question: { type: 'string' }, answer: { type: 'string' } },
            required: ['question', 'answer'],
            additionalProperties: false,
          },
        },
      },
    },
  },
  required: ['severity', 'root_cause_analysis'],
  additionalProperties: false,
};

function validator() {
  const created = createSchemaValidator();
  expect(created.compile(rootCauseSchema, 'rca')).toEqual({ ok: true });
  return created;
}

describe('createSchemaValidator', () => {
  it('accepts a valid value', () => {
    const value = {
      severity: 'high',
      detected_at: '2026-11-24T10:00:00Z',
      root_cause_analysis: { five_whys: [{ question: 'why', answer: 'disk' }] },
    };
    expect(validator().validate('rca', value)).toEqual([]);
  });

  it('lists every violation with a readable path, array indexes included', () => {
    const value = {
      severity: 'high',
      root_cause_analysis: {
        five_whys: [
          { question: 'q', answer: 'a' },
          { question: 'q', answer: 'a' },
          { question: 'q', answer: 42 },
          { answer: 'a' },
        ],
      },
    };
    expect(validator().validate('rca', value)).toEqual([
      { path: '$.root_cause_analysis.five_whys[2].answer', message: 'must be string (got 42)' },
      {
        path: '$.root_cause_analysis.five_whys[3]',
        message: "must have required property 'question'",
      },
    ]);
  });

  it('points a missing required property at the object that lacks it', () => {
    expect(validator().validate('rca', { root_cause_analysis: {} })).toEqual([
      { path: '$', message: "must have required property 'severity'" },
    ]);
  });

  it('names the extra property when additionalProperties is false', () => {
    const violations = validator().validate('rca', {
      severity: 'low',
      root_cause_analysis: {},
      sevrity: 'low',
    });
    expect(violations).toEqual([
      { path: '$', message: "must NOT have additional property 'sevrity'" },
    ]);
  });

  it('lists the allowed values of an enum', () => {
    const violations = validator().validate('rca', { severity: 'urgent', root_cause_analysis: {} });
    expect(violations).toEqual([
      { path: '$.severity', message: 'must be one of "low", "medium", "high" (got "urgent")' },
    ]);
  });

  it('checks format date-time', () => {
    const violations = validator().validate('rca', {
      severity: 'low',
      root_cause_analysis: {},
      detected_at: 'yesterday afternoon',
    });
    expect(violations).toEqual([
      { path: '$.detected_at', message: 'must match format "date-time"' },
    ]);
  });

  it('spells out a type union and quotes keys that are not identifiers', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { 'p99 latency': { type: ['number', 'null'] } },
    };
    expect(createSchemaValidator().validate(schema, { 'p99 latency': 'slow' })).toEqual([
      { path: '$["p99 latency"]', message: 'must be number or null (got "slow")' },
    ]);
  });

  it('formats one indented line per violation', () => {
    const text = formatViolations([
      { path: '$.a', message: 'must be string' },
      { path: '$', message: "must have required property 'b'" },
    ]);
    expect(text).toBe("  $.a: must be string\n  $: must have required property 'b'");
  });

  it('reports an invalid schema as a result, not a throw', () => {
    const result = createSchemaValidator().compile({ type: 'strnig' }, 'bad');
    expect(result.ok).toBe(false);
    expect(result.ok || result.message).toMatch(/schema is invalid/);
  });

  it('says draft 2020-12 is required when a schema declares draft-07', () => {
    const schema = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' };
    const result = createSchemaValidator().compile(schema, 'old');
    expect(result.ok || result.message).toMatch(/draft 2020-12/);
  });

  it('replaces a schema with the same $id instead of failing on reload', () => {
    const created = createSchemaValidator();
    const first = { $id: 'urn:warroom:triage', type: 'string' };
    expect(created.compile(first, 'triage')).toEqual({ ok: true });
    expect(created.compile({ ...first, type: 'number' }, 'triage')).toEqual({ ok: true });
    expect(created.validate('triage', 3)).toEqual([]);
  });

  it('throws on an id that was never compiled, a caller bug', () => {
    expect(() => createSchemaValidator().validate('nope', {})).toThrow(/never compiled/);
  });
});
