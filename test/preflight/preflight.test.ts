import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Diagnostic, loadChain, preflight, readChainInput } from '../../src/index.js';

const chainFile = (name: string) =>
  fileURLToPath(new URL(`../fixtures/chains/${name}`, import.meta.url));

function errors(diagnostics: Diagnostic[]) {
  return diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => ({
      file: d.file.replace(/^.*\//, ''),
      line: d.line,
      code: d.code,
      message: d.message,
    }));
}

describe('preflight', () => {
  it('passes the minimal chain and prepares it in dependency order', async () => {
    const { diagnostics, prepared } = await preflight(await loadChain(chainFile('minimal.md')));
    expect(errors(diagnostics)).toEqual([]);
    expect(prepared?.graph.order).toEqual([1, 2]);
    expect(prepared?.subtasks.get(2)?.dependencies).toEqual([1]);
    expect(prepared?.subtasks.get(1)?.output).toMatchObject({ kind: 'json', schemaSource: 'file' });
    expect(prepared?.subtasks.get(2)?.output.kind).toBe('text');
  });

  it('reports every problem of a broken chain at once, each with file and line', async () => {
    const input = await readChainInput('{"alert": {"name": "HighLatency", "value": "high"}}');
    const { diagnostics, prepared } = await preflight(await loadChain(chainFile('broken.md')), {
      input,
    });
    expect(prepared).toBeUndefined();
    const found = errors(diagnostics);
    const expectOne = (line: number, code: string, text: string) =>
      expect(found).toContainEqual(
        expect.objectContaining({ line, code, message: expect.stringContaining(text) }),
      );
    // a missing persona, at its front matter line
    expectOne(4, 'PERSONA_MISSING', 'persona "ghost" not found');
    // a missing schema file, at its front matter line
    expectOne(8, 'SCHEMA_MISSING', 'output schema file not found: ../schemas/nope.schema.json');
    // a reference to a later subtask, at the prompt line that holds it
    expectOne(
      31,
      'TEMPLATE_REF',
      '"subtask_3_output.summary" references subtask 3, which runs later',
    );
    // a misspelled output path, with a suggestion
    expectOne(43, 'TEMPLATE_REF', 'no "severty"; did you mean "severity"?');
    // a dependency cycle (depends_on 2 → 3, and 3 reads subtask 2's output)
    expectOne(38, 'DEPENDENCY_CYCLE', 'dependency cycle: subtask 2 → subtask 3 → subtask 2');
    // input failing the input schema (derived from the example)
    expect(found).toContainEqual({
      file: '<inline input>',
      line: 1,
      code: 'INPUT_INVALID',
      message: expect.stringContaining("must have required property 'incident_id'"),
    });
    expect(found).toContainEqual(
      expect.objectContaining({
        code: 'INPUT_INVALID',
        message: expect.stringContaining('$.alert.value: must be number'),
      }),
    );
  });

  it('points an input violation at the line of the offending field in the input file', async () => {
    const text =
      '{\n  "incident_id": "INC-1",\n  "affected_services": [],\n  "alert": {\n    "name": "x",\n    "value": "high"\n  }\n}\n';
    const input = { value: JSON.parse(text), file: 'input.json', text, line: 1 };
    const { diagnostics } = await preflight(await loadChain(chainFile('minimal.md')), { input });
    expect(errors(diagnostics)).toEqual([
      expect.objectContaining({
        file: 'input.json',
        line: 6,
        message: expect.stringContaining('$.alert.value'),
      }),
    ]);
  });

  it('flags a path into a Markdown output and an unknown input variable', async () => {
    const parsed = await loadChain(chainFile('minimal.md'));
    const chain = parsed.chain;
    if (!chain?.aggregation) throw new Error('fixture changed');
    chain.aggregation.text = '{ "a": "{{subtask_2_output.title}}", "b": "{{incident_title}}" }';
    const found = errors((await preflight(parsed)).diagnostics);
    expect(found.map((d) => d.message)).toEqual([
      expect.stringContaining("subtask 2's output is Markdown text, which has no fields"),
      expect.stringContaining(
        '"incident_title" is not a chain-input field or an earlier subtask output',
      ),
    ]);
  });

  it('accepts an absent path only where the template says it may be absent', async () => {
    const parsed = await loadChain(chainFile('minimal.md'));
    const subtask = parsed.chain?.subtasks[0];
    if (!subtask?.prompt) throw new Error('fixture changed');
    subtask.prompt.text = '{{default alert.runbook "none"}} {{#if alert.owner}}x{{/if}}';
    const { diagnostics } = await preflight(parsed);
    expect(errors(diagnostics)).toEqual([]);
    expect(
      diagnostics.filter((d) => d.code === 'TEMPLATE_REF' && d.severity === 'warning'),
    ).toHaveLength(2);
  });
});
