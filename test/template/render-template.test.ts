import { describe, expect, it } from 'vitest';
import { WarroomError } from '../../src/errors.js';
import {
  evaluateTemplateValue,
  isSingleExpression,
  parseTemplate,
  renderTemplate,
  type TemplateLocation,
} from '../../src/template/index.js';

const location: TemplateLocation = { file: 'chains/db-outage.md', line: 50, subtask: 3 };

function render(source: string, context: Record<string, unknown>): string {
  return renderTemplate(parseTemplate(source, location), context);
}

/** Runs `action` and returns the WarroomError it throws (fails the test otherwise). */
function thrown(action: () => unknown): WarroomError {
  try {
    action();
  } catch (error) {
    if (WarroomError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a WarroomError, nothing was thrown');
}

describe('value formatting', () => {
  it('renders objects as 2-space JSON, never [object Object]', () => {
    const analysis = { cause: 'pool exhausted', confidence: 0.8 };
    expect(render('RCA: {{analysis}}', { analysis })).toBe(
      `RCA: ${JSON.stringify(analysis, null, 2)}`,
    );
  });

  it('renders arrays as JSON in triple-stash too', () => {
    expect(render('{{{services}}}', { services: ['api', 'db'] })).toBe('[\n  "api",\n  "db"\n]');
  });

  it('renders null as the word null', () => {
    expect(render('owner: {{owner}}', { owner: null })).toBe('owner: null');
  });

  it('renders strings as-is, numbers and booleans via String()', () => {
    expect(render('{{a}} {{b}} {{c}} {{d}}', { a: 'text', b: 0, c: false, d: 2.5 })).toBe(
      'text 0 false 2.5',
    );
  });

  it('does not HTML-escape model text', () => {
    expect(render('{{x}} {{{x}}}', { x: '<b>&"\'' })).toBe('<b>&"\' <b>&"\'');
  });

  it('keeps an escaped \\{{ as literal braces and does not report it as a reference', () => {
    const template = parseTemplate('use \\{{not a ref}} here', location);
    expect(renderTemplate(template, {})).toBe('use {{not a ref}} here');
    expect(template.references).toEqual([]);
  });
});

describe('strict references', () => {
  it('throws TEMPLATE_REF naming the variable, subtask and absolute line', () => {
    const source = 'Timeline:\n\nRoot cause: {{subtask_2_output.root_cause}}';
    const error = thrown(() => render(source, { subtask_2_output: {} }));
    expect(error.code).toBe('TEMPLATE_REF');
    expect(error.message).toBe(
      'template references "subtask_2_output.root_cause" but it is undefined (subtask 3, line 52)',
    );
    expect(error.context).toMatchObject({ file: 'chains/db-outage.md', line: 52, subtask: 3 });
    expect(error.context.path).toBe('subtask_2_output.root_cause');
  });

  it('treats a property under null as missing instead of rendering null', () => {
    const error = thrown(() => render('{{a.b}}', { a: null }));
    expect(error.message).toContain('"a.b"');
  });

  it('names the resolved path of a reference inside #each', () => {
    const source = '{{#each timeline}}\n- {{event}}\n{{/each}}';
    const error = thrown(() => render(source, { timeline: [{ event: 'ok' }, { at: 1 }] }));
    expect(error.message).toBe(
      'template references "timeline[].event" (written "event") but it is undefined (subtask 3, line 51)',
    );
  });

  it('throws for an undefined helper argument', () => {
    const error = thrown(() => render('{{join services}}', {}));
    expect(error.code).toBe('TEMPLATE_REF');
    expect(error.message).toContain('"services"');
  });

  it('throws for #each over a missing value instead of rendering nothing', () => {
    const error = thrown(() => render('\n{{#each alerts}}{{this}}{{/each}}', {}));
    expect(error.code).toBe('TEMPLATE_REF');
    expect(error.message).toContain('"alerts"');
    expect(error.context.line).toBe(51);
  });

  it('throws for #each over a string instead of rendering nothing', () => {
    const error = thrown(() =>
      render('{{#each subtask_1_output}}- {{this}}{{/each}}', { subtask_1_output: 'prose' }),
    );
    expect(error.message).toBe('#each needs an array or object, got string (subtask 3, line 50)');
  });

  it('throws for #with over a missing value', () => {
    expect(thrown(() => render('{{#with incident}}{{id}}{{/with}}', {})).code).toBe('TEMPLATE_REF');
  });

  it('uses the fallback of default when the value is missing, null or empty', () => {
    const source = '{{default owner "unassigned"}}';
    expect(render(source, {})).toBe('unassigned');
    expect(render(source, { owner: null })).toBe('unassigned');
    expect(render(source, { owner: '' })).toBe('unassigned');
    expect(render(source, { owner: 'sre' })).toBe('sre');
  });

  it('allows a missing path in an #if condition', () => {
    const source = '{{#if runbook}}see {{runbook}}{{else}}no runbook{{/if}}';
    expect(render(source, {})).toBe('no runbook');
    expect(render(source, { runbook: 'rb-1' })).toBe('see rb-1');
  });

  it('allows a missing path in an #unless condition and its sub-expressions', () => {
    expect(render('{{#unless (eq severity "sev1")}}calm{{/unless}}', {})).toBe('calm');
  });

  it('resolves ../ and @root from inside #each', () => {
    const source = '{{#each hosts}}{{this}}@{{../region}}/{{@root.incident_id}} {{/each}}';
    expect(render(source, { hosts: ['a', 'b'], region: 'eu', incident_id: 'INC-1' })).toBe(
      'a@eu/INC-1 b@eu/INC-1 ',
    );
  });

  it('resolves block parameters and @index', () => {
    const source = '{{#each hosts as |host i|}}{{i}}={{host.name}} {{/each}}';
    expect(render(source, { hosts: [{ name: 'a' }, { name: 'b' }] })).toBe('0=a 1=b ');
  });
});

describe('single expressions', () => {
  it('recognises exactly one mustache, ignoring surrounding whitespace', () => {
    expect(isSingleExpression(parseTemplate('  {{subtask_1_output}}\n', location))).toBe(true);
    expect(isSingleExpression(parseTemplate('{{json x}}', location))).toBe(true);
    expect(isSingleExpression(parseTemplate('{{a}} {{b}}', location))).toBe(false);
    expect(isSingleExpression(parseTemplate('id: {{a}}', location))).toBe(false);
    expect(isSingleExpression(parseTemplate('\\{{a}}', location))).toBe(false);
  });

  it('returns the raw object and number for a path', () => {
    const output = { severity: 'sev1', services: ['db'] };
    const context = { subtask_1_output: output, count: 3 };
    expect(evaluateTemplateValue(parseTemplate('{{subtask_1_output}}', location), context)).toBe(
      output,
    );
    expect(evaluateTemplateValue(parseTemplate(' {{count}} ', location), context)).toBe(3);
  });

  it("returns a helper call's return value", () => {
    const template = parseTemplate('{{default missing (length items)}}', location);
    expect(evaluateTemplateValue(template, { items: [1, 2] })).toBe(2);
  });

  it('throws TEMPLATE_REF for an undefined path', () => {
    const template = parseTemplate('{{subtask_4_output}}', location);
    expect(thrown(() => evaluateTemplateValue(template, {})).message).toContain(
      '"subtask_4_output"',
    );
  });

  it('renders to a string when the template is more than one expression', () => {
    const template = parseTemplate('{{count}} items', location);
    expect(evaluateTemplateValue(template, { count: 3 })).toBe('3 items');
  });
});
