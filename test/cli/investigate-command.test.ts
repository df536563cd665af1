/**
 * `warroom investigate` without a terminal: a rehearsal script that goes off its
 * recording stops at the line that failed, saying where, with exit 1 (a run
 * failure) or 2 (the script's mistake); mistakes in the command line are one line
 * on stderr and exit 2, before any session starts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInvestigateProject,
  type InvestigateProject,
  incidentId,
} from '../integration/investigate-project.js';
import { cli } from './cli-harness.js';

let project: InvestigateProject;
let responses: string;

beforeAll(async () => {
  project = await createInvestigateProject();
  responses = join(project.root, 'responses');
  await mkdir(responses);
  await writeFile(join(responses, 'subtask-1.md'), 'The pool is exhausted.');
});
afterAll(() => project.remove());

async function script(name: string, lines: string[]): Promise<string> {
  const file = join(project.root, name);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

const investigate = (...args: string[]) =>
  cli(
    [
      'investigate',
      '--personas-dir',
      join(project.root, 'personas'),
      '--config',
      join(project.root, 'warroom.config.yaml'),
      ...args,
    ],
    { WARROOM_HOME: project.home },
  );

describe('warroom investigate --script', () => {
  it('stops a rehearsal at a line whose hand-written turn is missing (exit 2)', async () => {
    const file = await script('missing-turn.txt', ['# comment', 'first', '', 'second', '/quit']);
    const run = await investigate(
      '--incident',
      project.incidentFile,
      '--responses',
      responses,
      '--record',
      join(project.root, 'authored'),
      '--script',
      file,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toContain('sre: The pool is exhausted.');
    expect(lines.slice(-3)).toEqual([
      expect.stringMatching(
        /^error: No hand-written reply for run 'investigate\/INC-20251118-0142' subtask 2 turn 1: write the model's reply to /,
      ),
      `script stopped at ${file}:4`,
      `saved: ${join(project.home, 'rehearsals', incidentId)}`,
    ]);
  });

  it('stops a replay that misses its fixtures (exit 1)', async () => {
    const file = await script('replay-miss.txt', ['hello', '/quit']);
    const empty = join(project.root, 'no-fixtures');
    await mkdir(empty, { recursive: true });
    const run = await investigate(
      '--incident',
      project.incidentFile,
      '--provider',
      'replay',
      '--fixtures',
      empty,
      '--script',
      file,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /\nerror: No recorded model call matches run 'investigate\/INC-20251118-0142' subtask 1 turn 1 [^\n]*\nscript stopped at [^\n]*replay-miss\.txt:1\nsaved: /,
    );
  });

  it('stops at a command the room refuses (exit 2)', async () => {
    const file = await script('bad-command.txt', ['/note fine', '/persona nobody', '/note never']);
    const run = await investigate('--incident', project.incidentFile, '--script', file);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      'sre> /persona nobody\nerror: no persona "nobody" (known: backend-engineer, cloud-security-principal, devops-engineer, devops-principal-architect, observability-expert, security-auditor, sre)\nscript stopped at',
    );
    expect(run.stdout).not.toContain('never');
  });
});

describe('warroom investigate: command-line mistakes', () => {
  const oneLine = async (args: string[], message: string | RegExp) => {
    const run = await investigate(...args);
    expect(run.code, run.stdout).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).toMatch(message);
  };

  it('names what is wrong in one line (exit 2)', async () => {
    await oneLine(
      ['--incident', 'INC-NOPE'],
      /^error: --incident INC-NOPE: no such file, and no incident with that id under /,
    );
    await oneLine(['--incident', '../escape'], /is not an incident id/);
    await oneLine(
      ['--incident', project.incidentFile, '--persona', 'nobody'],
      /^error: --persona nobody: no such persona \(known: /,
    );
    await oneLine(
      ['--incident', project.incidentFile, '--responses', responses],
      'error: --responses authors fixtures: say where with --record <dir>\n',
    );
    await oneLine(
      [
        '--incident',
        project.incidentFile,
        '--responses',
        responses,
        '--record',
        'x',
        '--provider',
        'openai',
      ],
      'error: --responses plays hand-written turns: drop --provider openai\n',
    );
    await oneLine(
      ['--provider', 'replay', '--script', project.incidentFile],
      /^error: a rehearsal \(--provider replay or --responses\) needs --incident <file\|id>/,
    );
    await oneLine(
      ['--incident', project.incidentFile, '--script', join(project.root, 'nope.txt')],
      /^error: --script .*nope\.txt: cannot read it \(ENOENT\)\n$/,
    );
    const broken = join(project.root, 'broken.json');
    await writeFile(broken, '{"incident_id": ');
    await oneLine(['--incident', broken], /^error: .*broken\.json.*not valid JSON/);
    const anonymous = join(project.root, 'anonymous.json');
    await writeFile(anonymous, '{"title": "no id"}');
    await oneLine(['--incident', anonymous], /the incident has no "incident_id"/);
  });
});
