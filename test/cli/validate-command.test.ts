import { describe, expect, it } from 'vitest';
import { cli } from './cli-harness.js';

describe('warroom validate', () => {
  it('accepts the shipped incident-response chain with its example incident', async () => {
    const run = await cli([
      'validate',
      'chains/incident-response.md',
      '--input',
      'fixtures/incidents/db-pool-exhaustion.json',
    ]);
    expect(run.stderr).toContain('chains/incident-response.md: ok (0 errors');
    expect(run.code).toBe(0);
  });

  it('finds a chain by its id in the chains folder', async () => {
    const run = await cli(['validate', 'incident-response']);
    expect(run.code).toBe(0);
  });

  it('prints every problem as file:line: message and exits 2', async () => {
    const run = await cli([
      'validate',
      'test/fixtures/chains/broken.md',
      '--input',
      '{"alert": {"name": "x", "value": "high"}}',
    ]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    for (const expected of [
      'test/fixtures/chains/broken.md:4: subtask 2: persona "ghost" not found',
      'test/fixtures/chains/broken.md:8: subtask 3: output schema file not found: ../schemas/nope.schema.json',
      'test/fixtures/chains/broken.md:31: subtask 1: "subtask_3_output.summary" references subtask 3, which runs later',
      'test/fixtures/chains/broken.md:43: subtask 2: "subtask_1_output.severty" does not exist',
      'test/fixtures/chains/broken.md:38: dependency cycle: subtask 2 → subtask 3 → subtask 2',
      "<inline input>:1: input $: must have required property 'incident_id'",
    ]) {
      expect(lines.some((line) => line.startsWith(expected))).toBe(true);
    }
    expect(lines.at(-1)).toMatch(/^test\/fixtures\/chains\/broken\.md: \d+ errors, \d+ warnings?$/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('--json prints the parsed chain and the diagnostics as one document', async () => {
    const run = await cli(['validate', 'chains/incident-response.md', '--json']);
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document.ok).toBe(true);
    expect(document.chain.id).toBe('incident-response');
    expect(document.chain.subtasks.map((s: { number: number }) => s.number)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    expect(document.chain.subtasks[2].dependencies).toEqual([1, 2]);
    expect(document.chain.subtasks[3].outputFormat).toBe('markdown');
    expect(document.chain.subtasks[0]).toMatchObject({ persona: 'sre', outputFormat: 'json' });
    expect(document.diagnostics).toEqual([]);
  });

  it('--json still exits 2 and lists diagnostics for a broken chain', async () => {
    const run = await cli(['validate', 'test/fixtures/chains/broken.md', '--json']);
    expect(run.code).toBe(2);
    const document = JSON.parse(run.stdout);
    expect(document.ok).toBe(false);
    expect(document.chain.id).toBe('broken');
    expect(document.diagnostics.length).toBeGreaterThan(3);
  });

  it('says in one line that a chain id is unknown, listing the known ones', async () => {
    const run = await cli(['validate', 'no-such-chain']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: unknown chain "no-such-chain" (chains in ' +
        `${process.cwd()}/chains: incident-response, live-investigation, ticket-summary); pass a path or --chains-dir\n`,
    );
  });

  it('reports input that is not JSON with its line and column, in one line', async () => {
    const run = await cli([
      'validate',
      'chains/incident-response.md',
      '--input',
      '{\n  "incident_id": "x",\n  oops\n}',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(
      /^error: <inline input>:3: input is not valid JSON: .*\(line 3, column 3\)\n$/,
    );
  });
});

describe('warroom validate input files', () => {
  it('says in one line that an input file cannot be read', async () => {
    const run = await cli([
      'validate',
      'chains/incident-response.md',
      '--input',
      'no/such/input.json',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: cannot read input file no/such/input.json: no such file\n');
  });
});
