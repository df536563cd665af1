import { describe, expect, it } from 'vitest';
import {
  buildReport,
  createSchemaValidator,
  parseJsonTemplate,
  templateContext,
  validateReport,
  WarroomError,
} from '../../src/index.js';

const location = { file: 'chains/incident-response.md', line: 40 };
const input = { incident_id: 'INC-42', services: ['checkout'] };
const outputs = new Map<number, unknown>([
  [1, { severity: 'SEV-2', summary: 'Checkout "p99" at 4s\nsince 14:02' }],
  [2, '# Post-mortem\n\nPool too small.'],
]);

describe('templateContext', () => {
  it('puts input fields at the top level beside subtask_N_output', () => {
    expect(templateContext(input, outputs)).toEqual({
      incident_id: 'INC-42',
      services: ['checkout'],
      subtask_1_output: outputs.get(1),
      subtask_2_output: outputs.get(2),
    });
  });

  it('ignores an input that is not an object', () => {
    expect(Object.keys(templateContext(['INC-42'], new Map()))).toEqual([]);
  });
});

describe('buildReport', () => {
  it('without an aggregation, reports each subtask output by number', () => {
    expect(buildReport(undefined, input, outputs)).toEqual({
      subtasks: { '1': outputs.get(1), '2': outputs.get(2) },
    });
  });

  it('renders the aggregation, embedding values and keeping model text intact', () => {
    const aggregation = parseJsonTemplate(
      `{
  "incident_id": "{{incident_id}}",
  "headline": "{{incident_id}}: {{subtask_1_output.summary}}",
  "triage": "{{subtask_1_output}}",
  "postmortem_markdown": "{{subtask_2_output}}",
  "version": 2
}`,
      location,
    );
    expect(buildReport(aggregation, input, outputs)).toEqual({
      incident_id: 'INC-42',
      headline: 'INC-42: Checkout "p99" at 4s\nsince 14:02',
      triage: outputs.get(1),
      postmortem_markdown: '# Post-mortem\n\nPool too small.',
      version: 2,
    });
  });

  it.each([
    ['an array', '["{{incident_id}}"]'],
    ['a string', '"{{incident_id}}"'],
    ['an embedded array', '"{{services}}"'],
  ])('refuses an aggregation that renders %s', (_, text) => {
    const aggregation = parseJsonTemplate(text, location);
    const error = (() => {
      try {
        buildReport(aggregation, input, outputs);
      } catch (caught) {
        return caught;
      }
    })();
    expect(WarroomError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'TEMPLATE_PARSE', userError: true });
    expect((error as WarroomError).message).toContain('must render a JSON object');
  });

  it('lets a missing value fail the render with TEMPLATE_REF', () => {
    const aggregation = parseJsonTemplate('{"cause": "{{subtask_3_output.cause}}"}', location);
    expect(() => buildReport(aggregation, input, outputs)).toThrow(
      expect.objectContaining({ code: 'TEMPLATE_REF' }),
    );
  });
});

describe('validateReport', () => {
  const validator = createSchemaValidator();
  const schema = {
    type: 'object',
    required: ['incident_id', 'severity'],
    properties: { incident_id: { type: 'string' }, severity: { type: 'string' } },
  };
  validator.compile(schema, '/schemas/report.schema.json');

  it('finds nothing to check without a report schema', () => {
    expect(validateReport({}, undefined, validator)).toEqual([]);
  });

  it('lists the violations of the report schema', () => {
    const violations = validateReport(
      { incident_id: 42 },
      { schema, file: '/schemas/report.schema.json' },
      validator,
    );
    expect(violations.map((violation) => violation.path).sort()).toEqual(['$', '$.incident_id']);
  });
});
