/**
 * Recording through the real CLI, in-process: `run-chain --record` against the
 * loopback Anthropic server writes a case and its fixtures, `warroom test` replays
 * the case and fails on drift (an edited prompt, an edited aggregation) with a diff,
 * and `--rerecord` re-records only the subtasks that changed. A run with no key for
 * its provider stops before any request.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { extractJson, readFixtureDirectory } from '../../src/index.js';
import { fakeSecrets } from '../support/fake-secrets.js';
import {
  caseName,
  createProject,
  handWrittenReplies,
  type Project,
  replyOf,
  subtaskOf,
} from './incident-project.js';
import { type Answer, startWireBackend, type WireBackend } from './wire-backends.js';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI as a user in `cwd` runs it, seeing only `env` (no variable of this process). */
async function warroom(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (text: string) => {
      stdout += text;
    },
    stderr: (text: string) => {
      stderr += text;
    },
    cwd,
    env: { PATH: process.env.PATH, ...env },
  };
  const code = await runCli(['node', 'warroom', ...args], io);
  return { code, stdout, stderr };
}

const apiKey = fakeSecrets.anthropic('cliRecord');
const runArgs = ['run-chain', '--chain', 'incident-response', '--input', `${caseName}.json`];
const caseDir = (project: Project) => join(project.root, 'recordings/incident-response', caseName);

/** A copy of the chain folder with `edit` applied, for `warroom test --chains-dir`. */
async function editedChains(project: Project, name: string, edit: (source: string) => string) {
  const source = await readFile(project.chainFile, 'utf8');
  const edited = edit(source);
  expect(edited).not.toBe(source);
  await mkdir(join(project.root, name));
  await writeFile(join(project.root, name, 'incident-response.md'), edited);
  return name;
}

/** The bytes of each fixture file of the case whose name starts with one of `prefixes`. */
async function fixtureBytes(project: Project, prefixes: string[]): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of (await readdir(caseDir(project))).sort()) {
    if (!prefixes.some((prefix) => name.startsWith(prefix))) continue;
    files.set(name, (await readFile(join(caseDir(project), name))).toString('base64'));
  }
  return files;
}

describe('recording a case through the CLI and testing it with warroom test', () => {
  let project: Project;
  let backend: WireBackend;
  let env: NodeJS.ProcessEnv;
  let recording: CliRun;
  /** Set before re-recording: the remediation reply then says something new. */
  let remediationNote: string | undefined;

  beforeAll(async () => {
    project = await createProject();
    const replies = await handWrittenReplies();
    const remediation = (): Answer => {
      const reply = replyOf(replies, 3);
      if (remediationNote === undefined || reply.kind !== 'text') return reply;
      const parsed = extractJson(reply.text);
      if (!parsed.ok) throw new Error(parsed.message);
      const output = parsed.value as { resolution_summary: string };
      output.resolution_summary = `${output.resolution_summary} ${remediationNote}`;
      return { kind: 'text', text: JSON.stringify(output, null, 2) };
    };
    backend = await startWireBackend('anthropic', (request) => {
      const subtask = subtaskOf(request);
      if (subtask === undefined) return undefined;
      return { answer: subtask === 3 ? remediation() : replyOf(replies, subtask) };
    });
    env = {
      ANTHROPIC_BASE_URL: backend.baseURL,
      ANTHROPIC_API_KEY: apiKey,
      WARROOM_HOME: join(project.root, '.warroom'),
    };
    recording = await warroom(
      project.root,
      [...runArgs, '--provider', 'anthropic', '--record', 'recordings', '--out', 'runs/recorded'],
      env,
    );
  }, 60_000);

  afterAll(async () => {
    await backend?.close();
    await project?.remove();
  });

  it('run-chain --record writes the case (input and report without run metrics) and one fixture per call', async () => {
    expect(recording.stderr).toContain('recorded case: recordings/incident-response/');
    expect(recording.code).toBe(0);
    expect(backend.accepted.map(subtaskOf)).toEqual([1, 2, 3, 4]);
    expect(backend.rejectedCount()).toBe(0);
    const names = await readdir(caseDir(project));
    expect(names.sort()).toEqual([
      'case.json',
      expect.stringMatching(/^subtask-1-turn-1\.[0-9a-f]+\.yaml$/),
      expect.stringMatching(/^subtask-2-turn-1\.[0-9a-f]+\.yaml$/),
      expect.stringMatching(/^subtask-3-turn-1\.[0-9a-f]+\.yaml$/),
      expect.stringMatching(/^subtask-4-turn-1\.[0-9a-f]+\.yaml$/),
    ]);
    const recorded = JSON.parse(await readFile(join(caseDir(project), 'case.json'), 'utf8'));
    const { run: _run, ...report } = JSON.parse(
      await readFile(join(project.root, 'runs/recorded/report.json'), 'utf8'),
    );
    expect(recorded).toMatchObject({
      format: 'warroom-case/v1',
      chain: 'incident-response',
      case: caseName,
      provenance: 'recorded',
      input: { incident_id: 'INC-20251118-0142' },
    });
    expect(recorded.report).toEqual(report);
  });

  it('warroom test passes on the fresh recording without calling any model', async () => {
    const before = backend.receivedCount();
    const test = await warroom(
      project.root,
      ['test', 'incident-response', '--fixtures', 'recordings'],
      env,
    );
    expect(test.stdout).toContain(`✓ incident-response/${caseName}`);
    expect(test.stdout).toContain('1 passed, 0 failed');
    expect(test.code).toBe(0);
    expect(backend.receivedCount()).toBe(before);
  });

  it('warroom test fails on an edited prompt line, naming the case and showing the request diff', async () => {
    const chainsDir = await editedChains(project, 'chains-prompt-edited', (source) =>
      source.replace('Stabilise first:', 'Stabilize first:'),
    );
    const args = [
      'test',
      'incident-response',
      '--fixtures',
      'recordings',
      '--chains-dir',
      chainsDir,
    ];
    const test = await warroom(project.root, args, env);
    expect(test.code).toBe(1);
    expect(test.stdout).toContain(
      `✗ incident-response/${caseName}: No recorded model call matches run 'incident-response/${caseName}' subtask 1 turn 1`,
    );
    expect(test.stdout).toMatch(/^\s+-.*Stabilise first:/m);
    expect(test.stdout).toMatch(/^\s+\+.*Stabilize first:/m);
    expect(test.stdout).toContain('0 passed, 1 failed');
  });

  it('warroom test fails on an edited aggregation template with a diff of the report', async () => {
    const chainsDir = await editedChains(project, 'chains-aggregation-edited', (source) =>
      source.replace('"title": "{{title}}"', '"title": "[drill] {{title}}"'),
    );
    const args = [
      'test',
      'incident-response',
      '--fixtures',
      'recordings',
      '--chains-dir',
      chainsDir,
    ];
    const test = await warroom(project.root, args, env);
    expect(test.code).toBe(1);
    expect(test.stdout).toContain(
      `✗ incident-response/${caseName}: the replayed report differs from the recorded one`,
    );
    expect(test.stdout).toMatch(/^\s+-\s+"title": "checkout-api 5xx/m);
    expect(test.stdout).toMatch(/^\s+\+\s+"title": "\[drill\] checkout-api 5xx/m);
    expect(test.stdout).toContain('0 passed, 1 failed');
  });

  it('--rerecord 3 re-records subtasks 3 and 4 only, leaving 1 and 2 byte for byte, and warroom test passes again', async () => {
    const kept = await fixtureBytes(project, ['subtask-1-', 'subtask-2-']);
    expect(kept.size).toBe(2);
    const before = backend.accepted.length;
    remediationNote = 'Re-recorded: the settlement reconciliation came back clean.';
    const rerecord = await warroom(
      project.root,
      [...runArgs, '--provider', 'anthropic', '--record', 'recordings', '--rerecord', '3'],
      env,
    );
    expect(rerecord.stderr).toContain('re-recording subtasks 3, 4, 5, 6; replaying the rest');
    expect(rerecord.code).toBe(0);
    expect(backend.accepted.slice(before).map(subtaskOf)).toEqual([3, 4]);
    expect(await fixtureBytes(project, ['subtask-1-', 'subtask-2-'])).toEqual(kept);
    // Replaced, not appended to: each call has its one recording.
    const fixtures = [...(await readFixtureDirectory(caseDir(project))).values()];
    expect(fixtures.map((entry) => entry.exchanges.length)).toEqual([1, 1, 1, 1]);
    const recorded = JSON.parse(await readFile(join(caseDir(project), 'case.json'), 'utf8'));
    expect(recorded.report.summary).toContain(remediationNote);

    const test = await warroom(
      project.root,
      ['test', 'incident-response', '--fixtures', 'recordings'],
      env,
    );
    expect(test.stdout).toContain('1 passed, 0 failed');
    expect(test.code).toBe(0);
  });
});

describe('a run whose provider has no key', () => {
  let project: Project;
  let backend: WireBackend;

  beforeAll(async () => {
    project = await createProject();
    // Reachable and keyed: a run that fell back to the personas' own provider would land here.
    backend = await startWireBackend('anthropic', () => undefined);
  });

  afterAll(async () => {
    await backend?.close();
    await project?.remove();
  });

  it('stops with one line naming OPENAI_API_KEY and exit 2, before any request or run directory', async () => {
    const home = join(project.root, '.warroom');
    const run = await warroom(project.root, [...runArgs, '--provider', 'openai'], {
      WARROOM_HOME: home,
      ANTHROPIC_BASE_URL: backend.baseURL,
      ANTHROPIC_API_KEY: apiKey,
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: .*OPENAI_API_KEY is not set[^\n]*\n$/);
    expect(backend.receivedCount()).toBe(0);
    await expect(readdir(join(home, 'runs'))).rejects.toThrow(/ENOENT/);
  });
});

describe('a case recorded against another provider than the personas name', () => {
  let project: Project;
  let backend: WireBackend;

  beforeAll(async () => {
    project = await createProject();
    const replies = await handWrittenReplies();
    backend = await startWireBackend('openai', (request) => {
      const subtask = subtaskOf(request);
      return subtask === undefined ? undefined : { answer: replyOf(replies, subtask) };
    });
  });

  afterAll(async () => {
    await backend?.close();
    await project?.remove();
  });

  it('records which model answered each subtask, so warroom test replays it under that model', async () => {
    const env = {
      OPENAI_BASE_URL: backend.baseURL,
      OPENAI_API_KEY: fakeSecrets.openai('cliRecord'),
      WARROOM_HOME: join(project.root, '.warroom'),
    };
    const recorded = await warroom(
      project.root,
      [
        ...runArgs,
        '--provider',
        'openai',
        '--model',
        'gpt-4.1',
        '--record',
        'recordings',
        '--quiet',
      ],
      env,
    );
    expect(recorded.code).toBe(0);
    const file = JSON.parse(await readFile(join(caseDir(project), 'case.json'), 'utf8'));
    expect(file.models).toEqual({
      '1': 'openai/gpt-4.1',
      '2': 'openai/gpt-4.1',
      '3': 'openai/gpt-4.1',
      '4': 'openai/gpt-4.1',
    });
    const calls = backend.receivedCount();
    const tested = await warroom(
      project.root,
      ['test', 'incident-response', '--fixtures', 'recordings'],
      {},
    );
    expect(tested.stdout).toContain('1 passed, 0 failed');
    expect(tested.code).toBe(0);
    expect(backend.receivedCount()).toBe(calls);
    // Replaying from the CLI names the recorded model the same way.
    const replayed = await warroom(
      project.root,
      [
        ...runArgs,
        '--provider',
        'replay',
        '--model',
        'openai/gpt-4.1',
        '--fixtures',
        'recordings',
        '--quiet',
      ],
      { WARROOM_HOME: join(project.root, '.warroom') },
    );
    expect(replayed.code).toBe(0);
  });
});
