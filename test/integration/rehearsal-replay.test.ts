/**
 * The shipped rehearsal — the connection-pool incident across three personas —
 * replays offline from the README's command and ends in an incident record that
 * names the root cause and the actions taken.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './incident-project.js';

const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
const home = await mkdtemp(join(tmpdir(), 'warroom-rehearsal-'));
afterAll(() => rm(home, { recursive: true, force: true }));

/** The README's replay command, joined across its continuation lines. */
function readmeCommand(): string[] {
  const block = /```sh\n(npx warroom investigate [^`]*?--provider replay[^`]*?)\n```/.exec(readme);
  if (!block?.[1]) throw new Error('the README has no rehearsal replay command');
  return block[1]
    .replace(/\\\n\s*/g, ' ')
    .trim()
    .split(/\s+/)
    .slice(2);
}

describe('the shipped rehearsal', () => {
  it('replays offline to an incident record naming the root cause and the actions taken', async () => {
    const args = readmeCommand();
    expect(args).toContain('--script');
    const run = spawnSync(process.execPath, [join(repoRoot, 'dist/cli/main.js'), ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', WARROOM_HOME: home },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    // Three personas took part; the pull request was declined at the confirmation.
    expect(run.stdout).toContain('now talking to Backend Engineer (backend-engineer)');
    expect(run.stdout).toContain('now talking to DevOps Engineer (devops-engineer)');
    expect(run.stdout).toContain('allow? [y/N] n');

    const directory = join(home, 'rehearsals', 'INC-20261126-0007');
    const record = JSON.parse(await readFile(join(directory, 'report.json'), 'utf8')) as {
      root_cause: string;
      actions_taken: string[];
      decisions: string[];
      personas: string[];
      severity: string;
    };
    expect(record.root_cause).toContain('pool of 20 connections is smaller than the 25');
    expect(record.personas).toEqual([
      'observability-expert',
      'backend-engineer',
      'devops-engineer',
    ]);
    expect(record.severity).toBe('SEV-2');
    expect(record.actions_taken).toEqual([
      expect.stringMatching(/^create_pull_request\(.*\) → refused: the operator declined/),
    ]);
    expect(record.decisions).toHaveLength(2);
    const markdown = await readFile(join(directory, 'report.md'), 'utf8');
    expect(markdown).toContain('## Root cause');
    expect(markdown).toContain('## Actions taken\n\n- create_pull_request(');
  });
});
