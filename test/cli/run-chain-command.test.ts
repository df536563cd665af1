import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSchemaValidator, loadSchemaFile } from '../../src/index.js';
import { bin, cli, repoRoot } from './cli-harness.js';

const replayArgs = [
  '--chain',
  'chains/incident-response.md',
  '--input',
  'fixtures/incidents/db-pool-exhaustion.json',
  '--provider',
  'replay',
  '--fixtures',
  'fixtures/replay',
];

const scratch = () => mkdtemp(join(tmpdir(), 'warroom-cli-'));

async function readReport(directory: string) {
  return JSON.parse(await readFile(join(directory, 'report.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

describe('warroom run-chain', () => {
  it('runs the incident chain offline on the recorded fixtures and writes a schema-valid report', async () => {
    const out = join(await scratch(), 'run');
    const run = bin('main', ['run-chain', ...replayArgs, '--out', out]);
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`report: ${out}/report.json`);
    const report = await readReport(out);
    const validator = createSchemaValidator();
    const schemaFile = join(repoRoot, 'schemas/incident-report.schema.json');
    expect((await loadSchemaFile(schemaFile, { validator, id: 'report' })).ok).toBe(true);
    expect(validator.validate('report', report)).toEqual([]);
    expect(report).toMatchObject({
      incident_id: 'INC-20251118-0142',
      severity: { level: 'SEV-2' },
    });
    expect(await readdir(join(out, 'outputs'))).toEqual([
      'subtask-1.json',
      'subtask-2.json',
      'subtask-3.json',
      'subtask-4.md',
    ]);
    const markdown = await readFile(join(out, 'report.md'), 'utf8');
    for (const heading of [
      '## Summary',
      '## Timeline',
      '## Root cause',
      '## Actions',
      '## Post-mortem',
    ]) {
      expect(markdown).toContain(heading);
    }
  });

  it('installs run-chain as its own bin doing the same', async () => {
    const out = join(await scratch(), 'run');
    const run = bin('run-chain-bin', [...replayArgs, '--out', out, '--quiet']);
    expect(run.code).toBe(0);
    expect((await readReport(out)).incident_id).toBe('INC-20251118-0142');
  });

  it('writes the same report.json for the same work, apart from the run key', async () => {
    const home = await scratch();
    const first = await cli(['run-chain', ...replayArgs, '--quiet', '--json'], {
      WARROOM_HOME: home,
    });
    const second = await cli(['run-chain', ...replayArgs, '--quiet', '--json'], {
      WARROOM_HOME: home,
    });
    expect([first.code, second.code]).toEqual([0, 0]);
    const [a, b] = [JSON.parse(first.stdout), JSON.parse(second.stdout)];
    expect(a.directory).not.toBe(b.directory);
    expect(a.directory.startsWith(join(home, 'runs'))).toBe(true);
    const { run: runA, ...reportA } = await readReport(a.directory);
    const { run: runB, ...reportB } = await readReport(b.directory);
    expect(reportA).toEqual(reportB);
    expect(runA).not.toEqual(runB);
  });

  it('fails a replay whose template was edited with a readable diff, not a hang or a stack trace', async () => {
    const root = await scratch();
    for (const folder of ['chains', 'schemas', 'personas'])
      await cp(join(repoRoot, folder), join(root, folder), { recursive: true });
    const chainFile = join(root, 'chains/incident-response.md');
    const source = await readFile(chainFile, 'utf8');
    await writeFile(chainFile, source.replace('Stabilise first:', 'Stabilize first:'));
    const run = await cli([
      'run-chain',
      ...replayArgs.slice(2),
      '--chain',
      chainFile,
      '--out',
      join(root, 'run'),
      '--fixtures',
      join(repoRoot, 'fixtures/replay'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "No recorded model call matches run 'incident-response/db-pool-exhaustion' subtask 1 turn 1",
    );
    expect(run.stderr).toMatch(/^-.*Stabilise first:/m);
    expect(run.stderr).toMatch(/^\+.*Stabilize first:/m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(await readdir(join(root, 'run/outputs'))).toEqual([]);
  });

  it('makes no model call and creates no run when pre-flight fails', async () => {
    const home = await scratch();
    const run = await cli(
      [
        'run-chain',
        '--chain',
        'test/fixtures/chains/broken.md',
        '--provider',
        'replay',
        '--fixtures',
        'fixtures/replay',
      ],
      { WARROOM_HOME: home },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('pre-flight failed');
    expect(run.stderr).toContain('no model was called');
    expect(await readdir(home)).toEqual([]);
  });

  it('refuses an input that fails the input schema before any call', async () => {
    const home = await scratch();
    const run = await cli(
      [
        'run-chain',
        ...replayArgs.slice(0, 2),
        '--input',
        '{"incident_id": 7}',
        '--provider',
        'replay',
      ],
      {
        WARROOM_HOME: home,
      },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('<inline input>:1: input $.incident_id: must be string');
    expect(await readdir(home)).toEqual([]);
  });

  it('refuses an --out directory that holds another run', async () => {
    const out = join(await scratch(), 'run');
    expect((await cli(['run-chain', ...replayArgs, '--out', out, '--quiet'])).code).toBe(0);
    const again = await cli(['run-chain', ...replayArgs, '--out', out, '--quiet']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: --out .* already holds another run/);
  });

  it('says in one line that an API key is missing, before any subtask starts', async () => {
    const home = await scratch();
    const run = await cli(['run-chain', ...replayArgs.slice(0, 4)], {
      WARROOM_HOME: home,
      ANTHROPIC_API_KEY: '',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: anthropic: ANTHROPIC_API_KEY is not set: export it, or pass --provider replay to play back fixtures\n',
    );
    expect(await readdir(home)).toEqual([]);
  });

  it('names a provider that does not exist', async () => {
    const home = await scratch();
    const run = await cli(['run-chain', ...replayArgs.slice(0, 4), '--provider', 'bedrock'], {
      WARROOM_HOME: home,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^error: subtask 1 needs provider "bedrock", which is not available \(available: anthropic, openai, replay\)/,
    );
  });

  it('asks for --chain (or routes) when neither says which chain to run', async () => {
    const run = await cli(['run-chain', '--input', 'x.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: say which chain to run: --chain <path|chain-id>, or routes: in the config file to pick one by severity\n',
    );
  });

  it('prints help and exits 0', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('run-chain');
    expect(run.stdout).toContain('validate');
  });

  it('shows a stack only with --debug', async () => {
    const plain = await cli(['validate', 'missing/chain.md']);
    expect(plain.stderr).toBe('error: chain file not found: missing/chain.md\n');
    const debug = await cli(['validate', 'missing/chain.md', '--debug']);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});

describe('warroom list', () => {
  it('lists the chains and personas found', async () => {
    const run = await cli(['list']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/incident-response\s+1\.1\.0\s+6 subtasks/);
    for (const persona of [
      'sre',
      'observability-expert',
      'devops-engineer',
      'backend-engineer',
      'security-auditor',
    ]) {
      expect(run.stdout).toContain(`  ${persona}`);
    }
  });
});

describe('the live demo, replayed', () => {
  it('plays back three personas with the real tool answers they got, refusing the unapproved write', async () => {
    const out = join(await scratch(), 'run');
    const run = await cli([
      'run-chain',
      '--chain',
      'live-investigation',
      '--input',
      'fixtures/incidents/live-db-pool.json',
      '--provider',
      'replay',
      '--out',
      out,
      '--quiet',
    ]);
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    const events = (await readFile(join(out, 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; tool?: string; status?: string });
    const calls = events
      .filter((event) => event.type === 'tool-call')
      .map((event) => `${event.tool}:${event.status}`);
    expect(calls).toContain('query_prometheus:ok');
    expect(calls).toContain('list_alerts:ok');
    expect(calls).toContain('run_code:ok');
    expect(calls).toContain('create_pull_request:refused');
    const tested = await cli(['test', 'live-investigation']);
    expect(tested.stdout).toContain('1 passed, 0 failed');
  });
});

describe('warroom run-chain on a folder of incidents', () => {
  it('runs each incident, refuses an invalid one by itself, and prints one summary', async () => {
    const folder = await scratch();
    await cp(
      join(repoRoot, 'fixtures/incidents/db-pool-exhaustion.json'),
      join(folder, 'db-pool-exhaustion.json'),
    );
    await writeFile(join(folder, 'broken.json'), '{"incident_id": 7}\n');
    const home = await scratch();
    const run = await cli(
      [
        'run-chain',
        '--chain',
        'incident-response',
        '--input',
        folder,
        '--provider',
        'replay',
        '--json',
      ],
      { WARROOM_HOME: home },
    );
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ incidents: 2, succeeded: 1, failed: 0, invalid: 1 });
    expect(
      summary.runs.map((item: { name: string; status: string }) => `${item.name}:${item.status}`),
    ).toEqual(['broken:invalid', 'db-pool-exhaustion:succeeded']);
  });
});
