/**
 * `warroom runs` and run budgets through the CLI: a run over --max-tokens stops
 * (status stopped, the reason shown) and `warroom resume` with a higher budget
 * finishes it with the straight run's report; `warroom runs` tells succeeded,
 * failed, stopped, running and crashed runs apart (a crashed one: run.json still
 * says running but its process is gone).
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunListing } from '../../src/index.js';
import { cli } from '../cli/cli-harness.js';
import {
  type AnthropicWireServer,
  startAnthropicWireServer,
} from '../support/anthropic-wire-server.js';
import { createProject, type Project } from './incident-project.js';
import { apiKey, startCli } from './resume-children.js';

const replayArgs = [
  'run-chain',
  '--chain',
  'chains/incident-response.md',
  '--input',
  'fixtures/incidents/db-pool-exhaustion.json',
  '--provider',
  'replay',
  '--fixtures',
  'fixtures/replay',
  '--quiet',
  '--json',
];

let home: string;
let project: Project;
let hanging: AnthropicWireServer;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'warroom-runs-'));
  project = await createProject();
  // Never answers: a run against it stays `running` until it is killed.
  hanging = await startAnthropicWireServer(() => ({ type: 'hang' }));
});

afterAll(async () => {
  await hanging?.close();
  await project?.remove();
});

async function listed(): Promise<RunListing[]> {
  const run = await cli(['runs', '--json'], { WARROOM_HOME: home });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as RunListing[];
}

async function reportWithoutRun(directory: string): Promise<unknown> {
  const report = JSON.parse(await readFile(join(directory, 'report.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const { run: _run, ...rest } = report;
  return rest;
}

describe('run budgets from the CLI', () => {
  it('stops a run over --max-tokens, and resume with a higher budget finishes it with the same report', async () => {
    const straight = await cli(replayArgs, { WARROOM_HOME: home });
    expect(straight.code, straight.stderr).toBe(0);
    const straightRun = JSON.parse(straight.stdout) as { directory: string };

    const stopped = await cli([...replayArgs, '--max-tokens', '5000'], { WARROOM_HOME: home });
    expect(stopped.code).toBe(1);
    const stoppedRun = JSON.parse(stopped.stdout) as {
      status: string;
      runId: string;
      directory: string;
      stop: { limit: string; reason: string };
    };
    expect(stoppedRun.status).toBe('stopped');
    expect(stoppedRun.stop.reason).toContain('--max-tokens 5000 exceeded');
    expect(
      JSON.parse(await readFile(join(stoppedRun.directory, 'run.json'), 'utf8')),
    ).toMatchObject({ status: 'stopped', stop: { limit: 'max-tokens', budget: 5000 } });

    // The same budget again: counted over the whole run, so it stops at once.
    const again = await cli(['resume', stoppedRun.runId, '--json'], { WARROOM_HOME: home });
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'stopped', restored: [1] });

    // Provider and fixtures come from run.json: only the budget is given again.
    const resumed = await cli(['resume', stoppedRun.runId, '--max-tokens', '1000000', '--json'], {
      WARROOM_HOME: home,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'succeeded', restored: [1] });
    expect(await reportWithoutRun(stoppedRun.directory)).toEqual(
      await reportWithoutRun(straightRun.directory),
    );
  });
});

describe('warroom runs', () => {
  it('lists runs newest first as succeeded, failed, stopped, running and crashed', async () => {
    const succeededRun = await cli(replayArgs, { WARROOM_HOME: home });
    expect(succeededRun.code, succeededRun.stderr).toBe(0);
    const failed = await cli([...replayArgs, '--fixtures', join(home, 'no-fixtures')], {
      WARROOM_HOME: home,
    });
    expect(failed.code).toBe(1);
    const failedId = (JSON.parse(failed.stdout) as { runId: string }).runId;
    const stopped = await cli([...replayArgs, '--max-tokens', '100'], { WARROOM_HOME: home });
    const stoppedId = (JSON.parse(stopped.stdout) as { runId: string }).runId;

    const child = startCli(
      [
        'run-chain',
        '--chain',
        project.chainFile,
        '--input',
        project.inputFile,
        '--provider',
        'anthropic',
        '--quiet',
      ],
      {
        cwd: project.root,
        env: {
          ANTHROPIC_BASE_URL: hanging.url,
          ANTHROPIC_API_KEY: apiKey,
          WARROOM_HOME: home,
          CI: '1',
        },
      },
    );
    while (hanging.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const whileRunning = await listed();
    const live = whileRunning.find((run) => run.status === 'running');
    expect(live, JSON.stringify(whileRunning)).toBeDefined();

    child.child.kill('SIGKILL');
    await child.exited;
    const runs = await listed();
    const statusOf = (id: string | undefined) => runs.find((run) => run.id === id)?.status;
    expect(statusOf(live?.id)).toBe('crashed');
    expect(statusOf(failedId)).toBe('failed');
    expect(statusOf(stoppedId)).toBe('stopped');
    expect(runs.find((run) => run.id === stoppedId)?.reason).toContain('--max-tokens 100 exceeded');
    expect(runs.map((run) => run.status)).toEqual(
      expect.arrayContaining(['succeeded', 'stopped', 'failed', 'crashed']),
    );
    expect(runs.map((run) => run.startedAt)).toEqual(
      [...runs.map((run) => run.startedAt)].sort().reverse(),
    );
    const succeeded = runs.find((run) => run.status === 'succeeded');
    expect(succeeded?.tokens).toBeGreaterThan(0);
    expect(succeeded?.costUsd).toBeGreaterThan(0);

    const table = await cli(['runs'], { WARROOM_HOME: home });
    expect(table.stdout).toMatch(/^RUN\s+CHAIN\s+STATUS\s+STARTED\s+DURATION\s+TOKENS\s+COST\n/);
    expect(table.stdout).toMatch(new RegExp(`${live?.id}\\s+incident-response\\s+crashed`));
  }, 60_000);
});
