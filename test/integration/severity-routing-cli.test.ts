/**
 * The severity branch and the severity routes, through the CLI, replaying the
 * shipped hand-written fixtures offline: a SEV-1 incident runs incident-response's
 * security review and paging summary, a SEV-2 one skips them (and says so), and
 * `run-chain` without --chain sends each incident to the chain its severity names
 * in fixtures/routing/warroom.config.yaml — or refuses one it cannot place.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strictSchema } from '../../src/provider/openai/strict-schema.js';
import { cli, repoRoot } from '../cli/cli-harness.js';

const fixtures = join(repoRoot, 'fixtures/replay');
const routesConfig = join(repoRoot, 'fixtures/routing/warroom.config.yaml');
const incident = (name: string) => join(repoRoot, 'fixtures/incidents', `${name}.json`);

let scratch: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'warroom-severity-'));
  env = { WARROOM_HOME: join(scratch, 'home') };
});

afterAll(() => rm(scratch, { recursive: true, force: true }));

type Json = Record<string, unknown>;

async function readJson(file: string): Promise<Json> {
  return JSON.parse(await readFile(file, 'utf8')) as Json;
}

async function readEvents(directory: string): Promise<Json[]> {
  const text = await readFile(join(directory, 'events.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Json);
}

/** One replayed run of a shipped incident; its directory comes from --json. */
async function replay(args: string[]): Promise<{ directory: string; stderr: string }> {
  const run = await cli(
    ['run-chain', ...args, '--provider', 'replay', '--fixtures', fixtures, '--json', '--quiet'],
    env,
  );
  expect(run.stderr).not.toMatch(/error/i);
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout) as { status: string; directory: string };
  expect(result.status).toBe('succeeded');
  return { directory: result.directory, stderr: run.stderr };
}

describe('incident-response SEV-1 branch', () => {
  it('runs the security review and the paging summary for a SEV-1 incident', async () => {
    const { directory } = await replay([
      '--chain',
      'chains/incident-response.md',
      '--input',
      incident('payment-key-revoked'),
    ]);
    const ended = (await readEvents(directory))
      .filter((event) => event.type === 'subtask-end')
      .map((event) => event.subtask);
    expect([...ended].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const report = await readJson(join(directory, 'report.json'));
    expect(report.severity).toMatchObject({ level: 'SEV-1' });
    expect(report).not.toHaveProperty('missing');
    expect(report.security_review).toMatchObject({
      security_dimension: 'confirmed',
      data_exposure: { status: 'confirmed', record_count: 100 },
      change_review: { reviewed: false },
    });
    expect(report.paging_summary).toMatchObject({
      severity: 'SEV-1',
      next_update_at: '2026-02-10T10:45:00Z',
      channel: '#inc-20260210-checkout',
    });
    const markdown = await readFile(join(directory, 'report.md'), 'utf8');
    expect(markdown).toContain('## Paging summary');
    expect(markdown).toContain('## Security review');
    expect(markdown).not.toContain('## Missing');
  });

  it('skips both at SEV-2, with null report fields and the reason in report.md', async () => {
    const { directory } = await replay([
      '--chain',
      'chains/incident-response.md',
      '--input',
      incident('db-pool-exhaustion'),
    ]);
    const events = await readEvents(directory);
    const skipped = events.filter((event) => event.type === 'subtask-skip');
    expect(skipped.map((event) => [event.subtask, event.cause])).toEqual([
      [5, 'not-routed'],
      [6, 'not-routed'],
    ]);
    expect(skipped[0]).toMatchObject({ severity: 'SEV-2' });
    const ran = events.filter((event) => event.type === 'subtask-start').map((e) => e.subtask);
    expect(ran).not.toContain(5);
    expect(ran).not.toContain(6);
    const report = await readJson(join(directory, 'report.json'));
    expect(report.security_review).toBeNull();
    expect(report.paging_summary).toBeNull();
    expect(report.missing).toEqual([
      expect.objectContaining({ subtask: 5, title: 'Security Review', reason: 'not-routed' }),
      expect.objectContaining({ subtask: 6, title: 'Paging Summary', reason: 'not-routed' }),
    ]);
    const markdown = await readFile(join(directory, 'report.md'), 'utf8');
    expect(markdown).toContain('## Not run at this severity');
    expect(markdown).toContain(
      '- Subtask 5 (Security Review): runs only at SEV-1; this incident is SEV-2',
    );
    expect(markdown).not.toContain('## Security review');
  });

  it('ships output schemas that OpenAI strict mode accepts', async () => {
    for (const name of [
      'incident-response.security-review',
      'incident-response.paging-summary',
      'ticket-summary.ticket',
    ]) {
      const schema = await readJson(join(repoRoot, 'schemas', `${name}.schema.json`));
      expect(strictSchema(schema as never), name).toMatchObject({ ok: true });
    }
  });
});

describe('severity routes (fixtures/routing/warroom.config.yaml)', () => {
  it('runs ticket-summary for a SEV-4 incident when no --chain is given', async () => {
    const { directory, stderr } = await replay([
      '--config',
      routesConfig,
      '--input',
      incident('invoice-export-late'),
    ]);
    expect(stderr).toContain('routed SEV-4 → chain ticket-summary');
    const run = await readJson(join(directory, 'run.json'));
    expect(run.chain).toMatchObject({ id: 'ticket-summary' });
    const report = await readJson(join(directory, 'report.json'));
    expect(report.severity).toMatchObject({ level: 'SEV-4', escalate: false });
    expect(report.ticket).toMatchObject({ suggested_owner_team: 'team-billing' });
  });

  it('routes each incident of a batch folder to the chain its severity names', async () => {
    const folder = join(scratch, 'batch');
    await cp(incident('payment-key-revoked'), join(folder, 'sev1-payment-key-revoked.json'));
    await cp(incident('invoice-export-late'), join(folder, 'sev4-invoice-export-late.json'));
    // The shipped SEV-2 input states no severity (the default would take it): state it.
    const sev2 = { ...(await readJson(incident('db-pool-exhaustion'))), severity: 'P1' };
    await writeFile(join(folder, 'sev2-db-pool-exhaustion.json'), JSON.stringify(sev2));
    const run = await cli(
      [
        'run-chain',
        '--config',
        routesConfig,
        '--input',
        folder,
        '--provider',
        'replay',
        '--fixtures',
        fixtures,
        '--json',
      ],
      env,
    );
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      succeeded: number;
      runs: Array<{ name: string; chain: string; status: string; directory: string }>;
    };
    expect(summary.succeeded).toBe(3);
    const chains = Object.fromEntries(summary.runs.map((entry) => [entry.name, entry.chain]));
    expect(chains).toEqual({
      'sev1-payment-key-revoked': 'incident-response',
      'sev2-db-pool-exhaustion': 'incident-response',
      'sev4-invoice-export-late': 'ticket-summary',
    });
    for (const entry of summary.runs) {
      const recorded = await readJson(join(entry.directory, 'run.json'));
      expect(recorded.chain, entry.name).toMatchObject({ id: entry.chain });
    }
    const sev1 = summary.runs.find((entry) => entry.name.startsWith('sev1'));
    const sev1Report = await readJson(join(sev1?.directory ?? '', 'report.json'));
    expect(sev1Report.paging_summary).not.toBeNull();
  });

  it('refuses an incident with no severity when the routes have no default', async () => {
    const config = join(scratch, 'no-default.yaml');
    await writeFile(
      config,
      'routes:\n  field: severity\n  chains:\n    SEV-1: incident-response\n    SEV-4: ticket-summary\n',
    );
    const run = await cli(
      [
        'run-chain',
        '--config',
        config,
        '--input',
        incident('db-pool-exhaustion'),
        '--provider',
        'replay',
        '--fixtures',
        fixtures,
      ],
      env,
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('has no "severity"');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
