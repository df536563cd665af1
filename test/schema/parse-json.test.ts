import { describe, expect, expectTypeOf, it } from 'vitest';
import type { JsonSchema as SpecSchema, JsonValue as SpecValue } from '../../src/provider/spec.js';
import { type JsonSchema, type JsonValue, parseJson } from '../../src/schema/index.js';
import { errorLocation } from '../../src/schema/parse-json.js';

describe('parseJson', () => {
  it('returns the parsed value', () => {
    expect(parseJson('{"a": [1, "two", null]}')).toEqual({
      ok: true,
      value: { a: [1, 'two', null] },
    });
  });

  it('strips a UTF-8 byte-order mark, which editors on Windows prepend', () => {
    expect(parseJson('\uFEFF{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('points at the line and column of an unexpected token in multi-line JSON', () => {
    // Node 20 names no position for this error, so the location comes from the scan.
    const result = parseJson('{\n  "a": 1,\n  "b": oops\n}');
    expect(result).toMatchObject({ ok: false, line: 3, column: 8 });
    expect(result.ok || result.message).toMatch(/Unexpected token/);
    expect(result.ok || result.message).not.toMatch(/is not valid JSON|position/);
  });

  it('points at a missing comma on a later line', () => {
    expect(parseJson('{\n  "a": 1\n  "b": 2\n}')).toMatchObject({ ok: false, line: 3, column: 3 });
  });

  it('puts truncated JSON on its last line, after the last character', () => {
    const result = parseJson('{\n  "a": [1, 2,\n  3');
    expect(result).toMatchObject({ ok: false, line: 3, column: 4 });
  });

  it('ignores trailing blank lines when JSON ends too early', () => {
    expect(parseJson('{\n  "a": 1,\n\n')).toMatchObject({ ok: false, line: 2, column: 10 });
  });

  it('reports empty text at line 1, column 1', () => {
    expect(parseJson('')).toMatchObject({ ok: false, line: 1, column: 1 });
  });

  it('points at trailing content after the JSON value', () => {
    expect(parseJson('{"a": 1}\n}')).toMatchObject({ ok: false, line: 2, column: 1 });
  });

  it('points at an unterminated string', () => {
    const result = parseJson('["a",\n "b]');
    expect(result).toMatchObject({ ok: false, line: 2 });
  });

  it('reads the location from the message in each wording V8 has used', () => {
    const text = '{\n  "a": 1\n  "b": 2\n}';
    expect(errorLocation(text, "Expected ',' or '}' at position 13 (line 3 column 3)")).toEqual({
      line: 3,
      column: 3,
    });
    expect(
      errorLocation(text, "Expected ',' or '}' after property value in JSON at position 13"),
    ).toEqual({
      line: 3,
      column: 3,
    });
    expect(errorLocation(text, 'Unexpected end of JSON input')).toEqual({ line: 4, column: 2 });
  });

  it('shares JSON types with the provider spec, so values cross the boundary unchanged', () => {
    expectTypeOf<JsonValue>().toEqualTypeOf<SpecValue>();
    expectTypeOf<JsonSchema>().toEqualTypeOf<SpecSchema>();
  });
});
