import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseChain } from '../../src/chain/index.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/chains/${name}`, import.meta.url));
const minimalSource = await readFile(fixture('minimal.md'), 'utf8');

function errorsOf(source: string) {
  return parseChain(source, 'chain.md').diagnostics.filter((d) => d.severity === 'error');
}

describe('parseChain', () => {
  it('reads metadata, fields, prompts and the aggregation with their source lines', () => {
    const { chain, diagnostics } = parseChain(minimalSource, 'minimal.md');
    expect(diagnostics).toEqual([]);
    expect(chain?.id).toBe('minimal');
    expect(chain?.version).toBe('0.1.0');
    expect(chain?.title).toBe('Minimal Chain');
    const [triage, postmortem] = chain?.subtasks ?? [];
    expect(triage?.agent).toEqual({ text: 'Site Reliability Engineer', line: 26 });
    expect(triage?.inputVariables?.names).toEqual(['incident_id', 'alert', 'affected_services']);
    expect(triage?.outputVariables?.names).toEqual(['severity', 'summary']);
    expect(triage?.prompt?.line).toBe(32);
    expect(triage?.prompt?.text.split('\n')[0]).toBe(
      'Incident {{incident_id}}: alert {{alert.name}} at {{alert.value}}.',
    );
    expect(triage?.outputFormat.kind).toBe('json');
    expect(JSON.parse(triage?.outputFormat.example?.text ?? '')).toEqual({
      severity: 'SEV-2',
      summary: 'text',
    });
    expect(triage?.persona).toEqual({ text: 'sre', line: 3 });
    expect(triage?.schemaPath?.text).toBe('../schemas/minimal.triage.schema.json');
    expect(triage?.expectedOutputSize?.text).toBe('200 tokens');
    expect(postmortem?.outputFormat.kind).toBe('markdown');
    expect(chain?.inputExample?.line).toBe(16);
    expect(chain?.aggregation?.text).toContain('"triage": "{{subtask_1_output}}"');
  });

  it('keeps a prompt whole when it nests a ```java block inside a ```markdown block', () => {
    const { chain } = parseChain(minimalSource, 'minimal.md');
    const prompt = chain?.subtasks[1]?.prompt?.text ?? '';
    expect(prompt).toContain('pool.setMaximumPoolSize(20);');
    expect(prompt.trimEnd().endsWith('Keep it short.')).toBe(true);
    expect(chain?.subtasks[1]?.expectedOutputSize?.text).toBe('400 tokens');
  });

  it('parses CRLF files to the same chain with the same lines', () => {
    const crlf = parseChain(minimalSource.replace(/\n/g, '\r\n'), 'minimal.md');
    const lf = parseChain(minimalSource, 'minimal.md');
    expect(crlf.diagnostics).toEqual([]);
    expect(crlf.chain?.subtasks).toEqual(lf.chain?.subtasks);
  });

  it('tolerates emoji, mojibake, a BOM, prose between fields and fields in another order', () => {
    const source = `\uFEFF# 🚨 Chain â€” with mojibake

## Workflow Metadata
- **Chain ID**: \`odd\`

### 🔥 Subtask 1 — Triage 🚑
Some prose the author left here.

**Output Variables**: \`severity\`

**🎯 Goal:** Find the severity â€” quickly.

**Prompt**:
\`\`\`
Go 🚀 {{incident_id}}
\`\`\`

More prose.

**Agent**: SRE

**Input Variables**:
- \`incident_id\`
- \`alert\`
`;
    const { chain, diagnostics } = parseChain(source, 'odd.md');
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const subtask = chain?.subtasks[0];
    expect(subtask?.number).toBe(1);
    expect(subtask?.title).toBe('Triage 🚑');
    expect(subtask?.agent?.text).toBe('SRE');
    expect(subtask?.goal?.text).toBe('Find the severity â€” quickly.');
    expect(subtask?.prompt?.text).toBe('Go 🚀 {{incident_id}}');
    expect(subtask?.inputVariables?.names).toEqual(['incident_id', 'alert']);
    expect(subtask?.outputVariables?.names).toEqual(['severity']);
  });

  it('reads several fields written in one paragraph', () => {
    const source = `### Subtask 1: A\n**Agent**: SRE\n**Goal**: g\n**Input Variables**: \`x\`\n**Prompt**:\n\`\`\`\nhi\n\`\`\`\n`;
    const subtask = parseChain(source, 'c.md').chain?.subtasks[0];
    expect(subtask?.agent?.text).toBe('SRE');
    expect(subtask?.goal?.text).toBe('g');
    expect(subtask?.inputVariables?.names).toEqual(['x']);
    expect(subtask?.prompt?.text).toBe('hi');
  });

  it('reports a missing **Prompt** as one error at the subtask heading', () => {
    const source = minimalSource.replace(/\*\*Prompt\*\*:\n```\nIncident[\s\S]*?\n```\n```\n/, '');
    const errors = errorsOf(source);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 25, code: 'CHAIN_FIELD_MISSING' });
    expect(errors[0]?.message).toBe('subtask 1 has no **Prompt** field with a fenced prompt block');
  });

  it('reports a missing **Agent** with the subtask line', () => {
    const errors = errorsOf(
      minimalSource.replace(
        '**Agent**: Site Reliability Engineer\n**Goal**: Decide',
        '**Goal**: Decide',
      ),
    );
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [25, 'subtask 1 has no **Agent** field'],
    ]);
  });

  it('reports a prompt whose fences never balance at its opening line', () => {
    const source =
      '### Subtask 1: A\n**Agent**: SRE\n**Prompt**:\n```\nOUTPUT FORMAT (JSON):\n```json\n{}\n';
    expect(errorsOf(source)).toEqual([
      expect.objectContaining({ line: 4, code: 'CHAIN_PROMPT_FENCE' }),
    ]);
  });

  it('never treats a fence indented four spaces as a fence', () => {
    const source =
      '### Subtask 1: A\n**Agent**: SRE\n**Prompt**:\n```\nbefore\n    ```\nafter\n```\n';
    expect(parseChain(source, 'c.md').chain?.subtasks[0]?.prompt?.text).toBe(
      'before\n    ```\nafter',
    );
  });

  it('reports front matter naming an unknown subtask and a bad field, with their lines', () => {
    const source =
      '---\npersonas:\n  7: sre\nretries: many\n---\n### Subtask 1: A\n**Agent**: SRE\n**Goal**: g\n**Prompt**:\n```\nhi\n```\n';
    const errors = errorsOf(source);
    expect(errors.map((e) => e.line)).toEqual([4]);
    expect(errors[0]?.message).toContain('front matter field "retries"');
    const unknown = errorsOf(source.replace('retries: many\n', ''));
    expect(unknown).toEqual([
      expect.objectContaining({ line: 3, message: expect.stringContaining('names subtask 7') }),
    ]);
  });

  it('rejects a subtask defined twice', () => {
    const block = '### Subtask 1: A\n**Agent**: SRE\n**Goal**: g\n**Prompt**:\n```\nhi\n```\n';
    expect(errorsOf(block + block).map((e) => e.message)).toEqual(['subtask 1 is defined twice']);
  });
});

describe('front matter YAML errors', () => {
  it('are reported at the file line of the broken YAML', () => {
    const source =
      '---\npersonas:\n  1: sre\nschemas: [unclosed\n---\n### Subtask 1: A\n**Agent**: SRE\n**Goal**: g\n**Prompt**:\n```\nhi\n```\n';
    const errors = parseChain(source, 'c.md').diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('FRONT_MATTER_YAML');
    expect(errors[0]?.line).toBeGreaterThanOrEqual(4);
    expect(errors[0]?.message).not.toMatch(/at line \d+/);
  });
});
