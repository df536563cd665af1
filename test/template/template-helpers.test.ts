import { describe, expect, it } from 'vitest';
import { WarroomError } from '../../src/errors.js';
import { helperNames, parseTemplate, renderTemplate } from '../../src/template/index.js';

const location = { file: 'chains/db-outage.md', line: 10, subtask: 2 };

function render(source: string, context: Record<string, unknown> = {}): string {
  return renderTemplate(parseTemplate(source, location), context);
}

function errorOf(action: () => unknown): WarroomError {
  try {
    action();
  } catch (error) {
    if (WarroomError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a WarroomError, nothing was thrown');
}

describe('helpers', () => {
  it('exports the helper names a template may call', () => {
    expect([...helperNames].sort()).toEqual([
      'and',
      'default',
      'eq',
      'gt',
      'gte',
      'join',
      'json',
      'length',
      'lt',
      'lte',
      'ne',
      'not',
      'or',
    ]);
  });

  it('json pretty-prints with 2 spaces by default and takes an indent', () => {
    const value = { a: [1] };
    expect(render('{{json value}}', { value })).toBe(JSON.stringify(value, null, 2));
    expect(render('{{json value 0}}', { value })).toBe('{"a":[1]}');
    expect(render('{{json name}}', { name: 'db "primary"' })).toBe('"db \\"primary\\""');
  });

  it('join uses ", " by default and stringifies object items compactly', () => {
    expect(render('{{join services}}', { services: ['api', 'db'] })).toBe('api, db');
    expect(render('{{join items " | "}}', { items: [{ id: 1 }, null, 2] })).toBe(
      '{"id":1} | null | 2',
    );
  });

  it('join refuses a value that is not an array, at the line of the call', () => {
    const error = errorOf(() => render('\n{{join service}}', { service: 'db' }));
    expect(error.code).toBe('TEMPLATE_REF');
    expect(error.message).toBe('join needs an array, got string (subtask 2, line 11)');
  });

  it('default keeps present falsy values other than null and ""', () => {
    expect(render('{{default count 5}} {{default flag true}}', { count: 0, flag: false })).toBe(
      '0 false',
    );
  });

  it('default evaluates to an object rendered as JSON', () => {
    expect(render('{{default missing fallback}}', { fallback: { a: 1 } })).toBe('{\n  "a": 1\n}');
  });

  it('eq and ne compare strictly', () => {
    const source = '{{#if (eq severity "sev1")}}page{{/if}}{{#if (ne count "1")}} strict{{/if}}';
    expect(render(source, { severity: 'sev1', count: 1 })).toBe('page strict');
  });

  it('lt, lte, gt and gte order numbers and strings', () => {
    const source = '{{lt 1 2}} {{lte 2 2}} {{gt 1 2}} {{gte "b" "a"}}';
    expect(render(source)).toBe('true true false true');
  });

  it('ordering is false for a missing value in an #if condition', () => {
    expect(render('{{#if (gt errors 10)}}many{{else}}few{{/if}}')).toBe('few');
  });

  it('ordering refuses to compare a number with a string', () => {
    expect(errorOf(() => render('{{gt count "3"}}', { count: 5 })).message).toContain(
      'gt compares two numbers or two strings',
    );
  });

  it('and, or and not follow #if truthiness (empty array is false)', () => {
    const context = { items: [], name: 'db' };
    expect(
      render('{{and name items}} {{or items name}} {{not items}} {{and name 1 true}}', context),
    ).toBe('false true true true');
  });

  it('length counts array items, string characters and object keys', () => {
    const context = { list: [1, 2, 3], text: 'abcd', record: { a: 1, b: 2 } };
    expect(render('{{length list}} {{length text}} {{length record}}', context)).toBe('3 4 2');
  });

  it('length of a missing value is 0 inside an #if condition', () => {
    expect(render('{{#if (gt (length alerts) 0)}}alerts{{else}}quiet{{/if}}')).toBe('quiet');
  });
});
