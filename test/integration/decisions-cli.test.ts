/**
 * Decision points through the CLI, replaying the shipped fixtures: without a
 * terminal and without --decide the run stops awaiting the decision (exit 3, the
 * command that continues it printed); `warroom resume --decide` finishes it with
 * the decision in the report; a --decide that cannot apply is refused up front.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { cli } from '../cli/cli-harness.js';
import { openTerminal } from '../support/tmux-terminal.js';
import { repoRoot } from './incident-project.js';

/** A copy of the shipped chains, personas and schemas (their tools included, as recorded). */
let project: { root: string; chainFile: string; inputFile: string };
let home: string;

/** The shipped chain with subtask 3 (remediation) made a decision point. */
async function withDecisionPoint(chainFile: string): Promise<void> {
  const source = await readFile(chainFile, 'utf8');
  const end = source.indexOf('\n---\n', 4);
  const frontMatter = parseDocument(source.slice(4, end));
  frontMatter.setIn(['subtasks', '3', 'decision'], {
    question: 'Which recovery strategy do we take?',
    options: [
      { id: 'rollback', risk: 'low', description: 'roll checkout-api back to v3.41.2' },
      { id: 'hotfix', risk: 'medium', description: 'ship the pool-size fix forward' },
      'mitigate',
    ],
  });
  await writeFile(chainFile, `---\n${frontMatter.toString()}${source.slice(end + 1)}`);
}

beforeAll(async () => {
  const root = await mkdtemp(join(tmpdir(), 'warroom-decisions-'));
  for (const folder of ['chains', 'schemas', 'personas'])
    await cp(join(repoRoot, folder), join(root, folder), { recursive: true });
  const inputFile = join(root, 'db-pool-exhaustion.json');
  await cp(join(repoRoot, 'fixtures/incidents/db-pool-exhaustion.json'), inputFile);
  project = { root, chainFile: join(root, 'chains/incident-response.md'), inputFile };
  home = join(root, '.warroom');
  await withDecisionPoint(project.chainFile);
});

afterAll(() => rm(project.root, { recursive: true, force: true }));

function runArgs(...extra: string[]): string[] {
  return [
    'run-chain',
    '--chain',
    project.chainFile,
    '--input',
    project.inputFile,
    '--provider',
    'replay',
    '--fixtures',
    join(repoRoot, 'fixtures/replay'),
    '--quiet',
    ...extra,
  ];
}

describe('decision points from the CLI', () => {
  it('stops awaiting the decision with exit 3, and resume --decide finishes the run', async () => {
    const stopped = await cli(runArgs(), { WARROOM_HOME: home, CI: 'true' });
    expect(stopped.code, stopped.stderr).toBe(3);
    const runId = /run awaiting-decision: .*?([^/\s]+)\n/.exec(stopped.stdout)?.[1] ?? '';
    expect(stopped.stderr).toContain(
      'awaiting decision 3 (subtask 3): Which recovery strategy do we take?\n    1. rollback — risk: low — roll checkout-api back to v3.41.2\n',
    );
    expect(stopped.stderr).toContain(
      `continue with: warroom resume ${runId} --decide 3=<rollback|hotfix|mitigate>\n`,
    );
    const listed = await cli(['runs', '--json'], { WARROOM_HOME: home });
    expect(JSON.parse(listed.stdout)).toContainEqual(
      expect.objectContaining({ id: runId, status: 'awaiting-decision' }),
    );

    const resumed = await cli(['resume', runId, '--decide', '3=rollback', '--quiet', '--json'], {
      WARROOM_HOME: home,
      CI: 'true',
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    const result = JSON.parse(resumed.stdout) as {
      restored: number[];
      reportFiles: { json: string; markdown: string };
    };
    // Triage, root cause and remediation were done: only the post-mortem ran.
    expect(result.restored).toEqual([1, 2, 3]);
    const report = JSON.parse(await readFile(result.reportFiles.json, 'utf8')) as {
      decisions: unknown;
    };
    expect(report.decisions).toEqual([
      {
        subtask: 3,
        kind: 'choice',
        question: 'Which recovery strategy do we take?',
        chosen: 'rollback',
        by: 'flag',
      },
    ]);
    expect(await readFile(result.reportFiles.markdown, 'utf8')).toContain(
      '- Subtask 3: Which recovery strategy do we take? **rollback** (--decide)',
    );
  });

  it('takes --decide up front and runs straight through', async () => {
    const run = await cli(runArgs('--decide', '3=mitigate', '--json'), {
      WARROOM_HOME: home,
      CI: 'true',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'succeeded' });
  });

  it('refuses a --decide that cannot apply, before any model call', async () => {
    const wrongOption = await cli(runArgs('--decide', '3=revert'), { WARROOM_HOME: home });
    expect(wrongOption.code).toBe(2);
    expect(wrongOption.stderr).toBe(
      "error: --decide 3=revert: subtask 3's options are rollback, hotfix, mitigate\n",
    );
    const malformed = await cli(runArgs('--decide', 'rollback'), { WARROOM_HOME: home });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toBe(
      'error: --decide rollback: write <subtask>=<option> (3=rollback) or <subtask>:<tool>=approve|deny\n',
    );
  });

  it('asks a person at a terminal, showing each option with its risk', async () => {
    const terminal = openTerminal({
      command: ['node', join(repoRoot, 'dist/cli/main.js'), ...runArgs().slice(0, -1)],
      cwd: project.root,
      env: { WARROOM_HOME: home },
    });
    try {
      await terminal.waitFor('choose 1-3 or a name:');
      const screen = terminal.screen();
      expect(screen).toContain('Which recovery strategy do we take?');
      expect(screen).toContain('2. hotfix — risk: medium — ship the pool-size fix forward');
      // A stray answer is asked again, not taken as a choice.
      terminal.type('undo');
      terminal.type('2');
      expect(await terminal.waitForExit()).toBe(0);
      const reportFile = /report: (\S+report\.json)/.exec(terminal.screen())?.[1] ?? '';
      const report = JSON.parse(await readFile(join(project.root, reportFile), 'utf8')) as {
        decisions: Array<{ chosen: string; by: string }>;
      };
      expect(report.decisions).toEqual([
        expect.objectContaining({ chosen: 'hotfix', by: 'operator' }),
      ]);
    } finally {
      terminal.close();
    }
  });
});
