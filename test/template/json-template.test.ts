import { describe, expect, it } from 'vitest';
import { WarroomError } from '../../src/errors.js';
import {
  jsonTemplateReferences,
  parseJsonTemplate,
  renderJsonTemplate,
  type TemplateLocation,
} from '../../src/template/index.js';

/** The aggregation's first JSON line is line 120 of the chain file. */
const location: TemplateLocation = { file: 'chains/incident-response.md', line: 120 };

function render(text: string, context: Record<string, unknown>): unknown {
  return renderJsonTemplate(parseJsonTemplate(text, location), context);
}

function thrown(action: () => unknown): WarroomError {
  try {
    action();
  } catch (error) {
    if (WarroomError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a WarroomError, nothing was thrown');
}

const triage = { severity: 'SEV-2', services: ['checkout', 'payments'], confidence: 0.8 };

describe('renderJsonTemplate', () => {
  it('embeds the value itself for a string that is exactly one expression', () => {
    const text = `{
  "triage": "{{subtask_1_output}}",
  "services": "{{subtask_1_output.services}}",
  "confidence": " {{subtask_1_output.confidence}} ",
  "missing_ok": "{{default subtask_1_output.owner 'unassigned'}}"
}`;
    expect(render(text, { subtask_1_output: triage })).toEqual({
      triage,
      services: ['checkout', 'payments'],
      confidence: 0.8,
      missing_ok: 'unassigned',
    });
  });

  it('renders a string mixing text and expressions as text', () => {
    const text = '{"headline": "{{incident_id}} is {{subtask_1_output.severity}} ({{count}})"}';
    expect(render(text, { incident_id: 'INC-42', subtask_1_output: triage, count: 3 })).toEqual({
      headline: 'INC-42 is SEV-2 (3)',
    });
  });

  it('keeps literals, nested objects and arrays as they are', () => {
    const text = '{"version": 2, "ok": true, "none": null, "list": ["a", {"b": "{{x}}"}]}';
    expect(render(text, { x: 'y' })).toEqual({
      version: 2,
      ok: true,
      none: null,
      list: ['a', { b: 'y' }],
    });
  });

  it('cannot be broken by quotes, backslashes or newlines in model text', () => {
    const summary = 'Said "rollback", then \\ and }\n"}, "injected": true, "x": "';
    const value = render('{"summary": "{{s}}", "line": "Summary: {{s}}"}', { s: summary });
    expect(value).toEqual({ summary, line: `Summary: ${summary}` });
    expect(JSON.parse(JSON.stringify(value))).not.toHaveProperty('injected');
  });

  it('does not treat an escaped \\{{ as an expression', () => {
    expect(render('{"raw": "\\\\{{not_a_ref}}"}', {})).toEqual({ raw: '{{not_a_ref}}' });
  });

  it('throws TEMPLATE_REF at the absolute line of a missing value', () => {
    const error = thrown(() =>
      render('{\n  "a": "{{incident_id}}",\n  "b": "{{subtask_9_output.cause}}"\n}', {
        incident_id: 'INC-1',
      }),
    );
    expect(error.code).toBe('TEMPLATE_REF');
    expect(error.context).toMatchObject({ file: location.file, line: 122 });
  });
});

describe('parseJsonTemplate', () => {
  it.each([
    ['a trailing comma', '{\n  "a": 1,\n  "b": 2,\n}', 123],
    ['a missing comma', '{\n  "a": "{{x}}"\n  "b": 2\n}', 122],
    ['a comment', '{\n  // note\n  "a": 1\n}', 121],
    ['an unclosed string', '{\n  "a": 1,\n\n  "b": "open\n}', 123],
  ])('rejects %s as TEMPLATE_PARSE at the absolute line', (_, text, line) => {
    const error = thrown(() => parseJsonTemplate(text, location));
    expect(error.code).toBe('TEMPLATE_PARSE');
    expect(error.userError).toBe(true);
    expect(error.context).toMatchObject({ file: location.file, line });
    expect(error.message).toMatch(/^aggregation template is not valid JSON: /);
  });

  it('rejects an empty template at its first line', () => {
    const error = thrown(() => parseJsonTemplate('', location));
    expect(error.code).toBe('TEMPLATE_PARSE');
    expect(error.context.line).toBe(120);
  });

  it('reports bad Handlebars inside a string at that string’s absolute line', () => {
    const error = thrown(() => parseJsonTemplate('{\n  "a": 1,\n  "b": "{{#if x}}"\n}', location));
    expect(error.code).toBe('TEMPLATE_PARSE');
    expect(error.context.line).toBe(122);
  });
});

describe('jsonTemplateReferences', () => {
  it('lists every reference with its absolute line, from objects and arrays', () => {
    const template = parseJsonTemplate(
      `{
  "id": "{{incident_id}}",
  "nested": {
    "causes": ["{{subtask_2_output.cause}}", "static"]
  },
  "summary": "{{subtask_1_output.summary}} / {{incident_id}}"
}`,
      location,
    );
    expect(
      jsonTemplateReferences(template).map((reference) => [
        reference.path.join('.'),
        reference.line,
      ]),
    ).toEqual([
      ['incident_id', 121],
      ['subtask_2_output.cause', 123],
      ['subtask_1_output.summary', 125],
      ['incident_id', 125],
    ]);
  });

  it('has no references for a template without expressions', () => {
    expect(jsonTemplateReferences(parseJsonTemplate('{"a": ["b", 1]}', location))).toEqual([]);
  });
});

describe('aggregation strings with escaped newlines', () => {
  it('report every reference on the line of the JSON string that holds it', () => {
    const template = parseJsonTemplate('{\n  "summary": "{{a}}\\n\\n{{b}}"\n}', {
      file: 'chain.md',
      line: 40,
    });
    expect(
      jsonTemplateReferences(template).map((reference) => [
        reference.path.join('.'),
        reference.line,
      ]),
    ).toEqual([
      ['a', 41],
      ['b', 41],
    ]);
  });
});
