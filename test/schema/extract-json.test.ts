import { describe, expect, it } from 'vitest';
import { extractJson } from '../../src/schema/index.js';

describe('extractJson', () => {
  it('takes a bare JSON reply whole', () => {
    expect(extractJson('  \n{"severity": "high"}\n')).toEqual({
      ok: true,
      value: { severity: 'high' },
      form: 'bare',
    });
  });

  it('takes a bare JSON array', () => {
    expect(extractJson('[1, {"a": []}]')).toEqual({
      ok: true,
      value: [1, { a: [] }],
      form: 'bare',
    });
  });

  it('takes a ```json fenced block out of prose', () => {
    const reply = 'Here is the triage:\n\n```json\n{"severity": "high"}\n```\n\nLet me know.';
    expect(extractJson(reply)).toEqual({ ok: true, value: { severity: 'high' }, form: 'fenced' });
  });

  it('takes a bare ``` fenced block', () => {
    const reply = 'Result:\n```\n{"severity": "low"}\n```';
    expect(extractJson(reply)).toEqual({ ok: true, value: { severity: 'low' }, form: 'fenced' });
  });

  it('prefers a json-tagged fence over an earlier untagged one', () => {
    const reply = '```\n{"draft": true}\n```\nFinal:\n```json\n{"draft": false}\n```';
    expect(extractJson(reply)).toMatchObject({ ok: true, value: { draft: false } });
  });

  it('takes the first fenced block that parses when several are tagged json', () => {
    const reply = '```json\n{"broken": \n```\nFixed:\n```json\n{"fixed": 1}\n```';
    expect(extractJson(reply)).toEqual({ ok: true, value: { fixed: 1 }, form: 'fenced' });
  });

  it('finds JSON wrapped in prose', () => {
    const reply = 'The analysis is {"root_cause": "disk full", "confidence": 0.9}. Done.';
    expect(extractJson(reply)).toEqual({
      ok: true,
      value: { root_cause: 'disk full', confidence: 0.9 },
      form: 'embedded',
    });
  });

  it('skips braces in prose before the real JSON', () => {
    const reply = 'I use {curly} style for notes. Output: {"status": "ok"}';
    expect(extractJson(reply)).toEqual({ ok: true, value: { status: 'ok' }, form: 'embedded' });
  });

  it('skips an unclosed brace in prose before the real JSON', () => {
    const reply = 'Sets look like { a, b. Answer: {"a": 1}';
    expect(extractJson(reply)).toMatchObject({ ok: true, value: { a: 1 } });
  });

  it('keeps braces and escaped quotes inside strings from ending the span', () => {
    const reply =
      'Output: {"query": "rate(x{job=\\"api\\"}[5m])", "note": "a } b ]"} trailing } text';
    expect(extractJson(reply)).toEqual({
      ok: true,
      value: { query: 'rate(x{job="api"}[5m])', note: 'a } b ]' },
      form: 'embedded',
    });
  });

  it('finds an array wrapped in prose', () => {
    const reply = 'Steps: [{"step": 1}, {"step": 2}] as requested.';
    expect(extractJson(reply)).toEqual({
      ok: true,
      value: [{ step: 1 }, { step: 2 }],
      form: 'embedded',
    });
  });

  it('does not return a fragment nested inside broken JSON', () => {
    const result = extractJson('Here: {"outer": {"inner": 1}, "oops": }');
    expect(result.ok).toBe(false);
  });

  it('says in one line what was tried when there is no JSON', () => {
    const result = extractJson('I could not determine the root cause.');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(/^no JSON found: /);
    expect(result.message).toMatch(/fenced block/);
    expect(result.message).toMatch(/span/);
    expect(result.message).not.toMatch(/\n/);
  });

  it('gives up on a flood of unclosed brackets instead of scanning for seconds', () => {
    const result = extractJson(`${'['.repeat(100_000)} {"a": 1}`);
    expect(result.ok || result.message).toMatch(/gave up scanning the prose/);
  });

  it('reports where a fenced block failed to parse', () => {
    const result = extractJson('```json\n{\n  "a": 1,\n}\n```');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(/1 fenced block did not parse \(first: line 3, column 1/);
  });
});
