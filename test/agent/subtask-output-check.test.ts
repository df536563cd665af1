import { describe, expect, it } from 'vitest';
import { checkReply, createSchemaValidator, type JsonSchema } from '../../src/index.js';

const validator = createSchemaValidator();
const markdown = { kind: 'text' } as const;

const triageSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['severity', 'services'],
  properties: {
    severity: { type: 'string', enum: ['SEV-1', 'SEV-2'] },
    services: { type: 'array', items: { type: 'string' } },
  },
};

describe('checkReply for Markdown subtasks', () => {
  it('unwraps a reply wrapped whole in one ```markdown fence', () => {
    const reply = '\n```markdown\n# Post-mortem\n\nPool too small.\n```\n';
    expect(checkReply(reply, markdown, validator)).toEqual({
      ok: true,
      value: '# Post-mortem\n\nPool too small.',
    });
  });

  it('keeps code blocks nested inside the wrapping fence', () => {
    const reply = '```markdown\n# Fix\n```java\npool.setMaximumPoolSize(20);\n```\nDone.\n```';
    expect(checkReply(reply, markdown, validator)).toEqual({
      ok: true,
      value: '# Fix\n```java\npool.setMaximumPoolSize(20);\n```\nDone.',
    });
  });

  it('unwraps a ~~~md wrapper and a bare ``` wrapper too', () => {
    expect(checkReply('~~~md\n## Findings\n~~~', markdown, validator)).toEqual({
      ok: true,
      value: '## Findings',
    });
    expect(checkReply('```\n## Findings\n```', markdown, validator)).toEqual({
      ok: true,
      value: '## Findings',
    });
  });

  it('keeps a reply that starts and ends with two different code blocks whole', () => {
    const reply = '```sql\nSELECT 1;\n```\nThen roll back:\n```bash\nkubectl rollout undo\n```';
    expect(checkReply(reply, markdown, validator)).toEqual({ ok: true, value: reply });
  });

  it('keeps a reply whose wrapping fence closes before its last line whole', () => {
    const reply = '```\nfirst\n```\nprose\n```\nsecond\n```';
    expect(checkReply(reply, markdown, validator)).toEqual({ ok: true, value: reply });
  });

  it('keeps prose around a fenced block: only a whole-reply wrapper is unwrapped', () => {
    const reply = 'Here it is:\n```markdown\n# Post-mortem\n```';
    expect(checkReply(reply, markdown, validator)).toEqual({ ok: true, value: reply });
  });

  it.each(['', '   \n\t', '```markdown\n\n```'])('rejects an empty reply (%j) at `$`', (reply) => {
    expect(checkReply(reply, markdown, validator)).toEqual({
      ok: false,
      violations: [{ path: '$', message: 'the reply is empty' }],
    });
  });
});

describe('checkReply for JSON subtasks', () => {
  it('extracts JSON from a fenced reply and validates it against the schema', () => {
    const reply = 'Triage:\n```json\n{"severity": "SEV-1", "services": ["checkout"]}\n```';
    expect(checkReply(reply, { kind: 'json', schema: triageSchema }, validator)).toEqual({
      ok: true,
      value: { severity: 'SEV-1', services: ['checkout'] },
    });
  });

  it('gives one `$` violation when no JSON can be extracted', () => {
    const checked = checkReply('I could not decide.', { kind: 'json' }, validator);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.violations).toHaveLength(1);
    expect(checked.violations[0]?.path).toBe('$');
    expect(checked.violations[0]?.message).not.toBe('');
  });

  it('lists every schema violation with its path', () => {
    const reply = '{"severity": "SEV-9", "services": ["checkout", 7], "extra": true}';
    const checked = checkReply(reply, { kind: 'json', schema: triageSchema }, validator);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.violations.map((violation) => violation.path).sort()).toEqual([
      '$',
      '$.services[1]',
      '$.severity',
    ]);
  });

  it('validates against a schema compiled under an id', () => {
    const ids = createSchemaValidator();
    expect(ids.compile(triageSchema, '/schemas/triage.schema.json')).toEqual({ ok: true });
    const spec = { kind: 'json', schema: '/schemas/triage.schema.json' } as const;
    expect(checkReply('{"severity": "SEV-2", "services": []}', spec, ids).ok).toBe(true);
    expect(checkReply('{"severity": "SEV-2"}', spec, ids).ok).toBe(false);
  });

  it('accepts any JSON when the subtask has no schema', () => {
    expect(checkReply('[1, 2]', { kind: 'json' }, validator)).toEqual({ ok: true, value: [1, 2] });
  });
});
