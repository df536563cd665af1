/**
 * `warroom investigate` driven in a real terminal (tmux), keys typed and the
 * screen read back: a persona calls a real git tool, the engineer hands the
 * incident to the backend engineer, refuses its write (the exact action shown at
 * the y/N), and writes the incident record — authored from hand-written turns into
 * fixtures. The recorded requests show the switch (system prompt, tools, the
 * findings handed over), and the session replays from its script with the same
 * output, without running a tool but the memory ones.
 */
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin } from '../cli/cli-harness.js';
import {
  createInvestigateProject,
  type InvestigateProject,
  incidentId,
  investigateInTerminal,
  lastLine,
  programScreen,
  promptShown,
  recordedExchanges,
  screenLines,
  typeAtPrompt,
} from './investigate-project.js';

let project: InvestigateProject;
let responses: string;
let recorded: string;
/** What the engineer typed, in order: the replay's script. */
const typed = [
  'what changed recently?',
  '/persona backend-engineer',
  'create a hotfix branch',
  'n',
  '/report',
  '/quit',
];
const finding = 'checkout-api HikariCP pool raised from 10 to 14 per pod at 13:52:10Z';
/** The live session's transcript, kept before the replay starts the rehearsal afresh. */
let liveTranscript = '';

beforeAll(async () => {
  project = await createInvestigateProject();
  responses = join(project.root, 'responses');
  recorded = join(project.root, 'recorded');
  const turns: Record<string, unknown> = {
    'subtask-1-turn-1.json': {
      text: 'Checking the change history first.',
      toolCalls: [
        { name: 'git_log', input: { limit: 5 } },
        { name: 'record_finding', input: { kind: 'finding', text: finding, evidence: 'git_log' } },
      ],
    },
    'subtask-1-turn-2.md':
      'The pool went from 10 to 14 per pod at 13:52:10Z, minutes before the alert.',
    'subtask-2-turn-1.json': {
      toolCalls: [
        { name: 'git_create_branch', input: { branch: 'hotfix/pool-size-10', from: 'main' } },
      ],
    },
    'subtask-2-turn-2.md': 'Understood: no branch created. The revert can wait for your go.',
    'subtask-3.md': JSON.stringify({
      status: 'investigating',
      summary: 'Checkout failed: orders-db-primary ran out of connection slots.',
      impact: '37 support tickets; checkout 5xx ratio 0.117.',
      root_cause: 'HikariCP pool raised from 10 to 14 per pod while the HPA scaled to 26 pods.',
      next_steps: ['revert the pool size to 10'],
      action_items: [
        { action: 'budget pools against max_connections', owner: 'team-checkout', priority: 'P1' },
      ],
    }),
  };
  const { mkdir } = await import('node:fs/promises');
  await mkdir(responses);
  for (const [name, content] of Object.entries(turns)) {
    await writeFile(
      join(responses, name),
      typeof content === 'string' ? content : JSON.stringify(content),
    );
  }
});

afterAll(() => project.remove());

describe('warroom investigate in a terminal', () => {
  it('runs a tool, switches persona, refuses a write at the y/N, and writes the record', async () => {
    const { terminal, exited } = investigateInTerminal(project, [
      '--incident',
      project.incidentFile,
      '--responses',
      responses,
      '--record',
      recorded,
      '--personas-dir',
      'personas',
    ]);
    try {
      await terminal.waitFor(promptShown('sre> '));
      await typeAtPrompt(terminal, 'sre> ', typed[0] as string);
      await terminal.waitFor('sre: The pool went from 10 to 14 per pod');
      let screen = terminal.screen();
      expect(screen).toContain(
        'sre> what changed recently?\n  … sre (anthropic/claude-sonnet-5-5)\n  ⚙ git_log {"limit":5}\n  ✓ git_log → {"commits":[',
      );
      // git_log's result is in memory (#1) the moment it returns, before the finding (#2).
      expect(screen).toContain('  ✓ record_finding → {"recorded":2,"kind":"finding"}');

      await typeAtPrompt(terminal, 'sre> ', typed[1] as string);
      await terminal.waitFor(
        'now talking to Backend Engineer (backend-engineer); tools: record_finding, recall_memory, git_log, git_create_branch',
      );
      await terminal.waitFor(promptShown('backend-engineer> '));

      await typeAtPrompt(terminal, 'backend-engineer> ', typed[2] as string);
      screen = await terminal.waitFor(promptShown('  allow? [y/N] '));
      expect(screen).toContain(
        [
          '  ⚙ git_create_branch {"branch":"hotfix/pool-size-10","from":"main"}',
          '  write tool git_create_branch wants to run with:',
          '    {',
          '      "branch": "hotfix/pool-size-10",',
          '      "from": "main"',
          '    }',
          '  allow? [y/N]',
        ].join('\n'),
      );
      await typeAtPrompt(terminal, '  allow? [y/N] ', typed[3] as string);
      screen = await terminal.waitFor('backend-engineer: Understood: no branch created.');
      expect(screen).toContain(
        '  allow? [y/N] n\n  ✗ git_create_branch refused: the operator declined to run write tool git_create_branch\n',
      );
      // The typed answer is on the screen once, not echoed again by the program.
      expect(screen.match(/allow\? \[y\/N\] n/g)).toHaveLength(1);
      expect(project.branches()).toEqual(['main']);

      await typeAtPrompt(terminal, 'backend-engineer> ', typed[4] as string);
      screen = await terminal.waitFor('  root cause: HikariCP pool raised from 10 to 14');
      const rehearsal = join('.warroom', 'rehearsals', incidentId);
      expect(screen).toContain(`incident record (investigating): ${join(rehearsal, 'report.md')}`);
      await typeAtPrompt(terminal, 'backend-engineer> ', typed[5] as string);
      expect(await exited()).toBe(0);
      screen = programScreen(terminal.screen());
      expect(lastLine(screen)).toBe(`saved: ${rehearsal}`);

      // What the screen showed is what the transcript holds, line for line.
      liveTranscript = await readFile(join(project.root, rehearsal, 'transcript.md'), 'utf8');
      expect(screenLines(liveTranscript)).toEqual(screenLines(screen));
      const report = await readFile(join(project.root, rehearsal, 'report.md'), 'utf8');
      expect(report).toContain('## Root cause\n\nHikariCP pool raised from 10 to 14 per pod');
      expect(report).toContain(`| sre | finding: ${finding} (evidence: git_log) |`);
    } finally {
      terminal.close();
    }
  });

  it('recorded the switch: new system prompt and tools, the finding handed over', async () => {
    const exchanges = await recordedExchanges(recorded);
    expect(exchanges.map(({ label }) => [label.run, label.subtask, label.turn])).toEqual([
      [`investigate/${incidentId}`, 1, 1],
      [`investigate/${incidentId}`, 1, 2],
      [`investigate/${incidentId}`, 2, 1],
      [`investigate/${incidentId}`, 2, 2],
      [`investigate/${incidentId}`, 3, 1],
    ]);
    const [sreFirst, sreSecond, backendFirst, backendSecond] = exchanges.map(
      (exchange) => exchange.request,
    );
    const names = (request?: { tools?: Array<{ name: string }> }) =>
      request?.tools?.map((tool) => tool.name);
    expect(sreFirst?.system).toMatch(/^# Site Reliability Engineer\n/);
    expect(backendFirst?.system).toMatch(/^# Backend Engineer\n/);
    expect(names(sreFirst)).toEqual(['record_finding', 'recall_memory', 'git_log']);
    expect(names(backendFirst)).toEqual([
      'record_finding',
      'recall_memory',
      'git_log',
      'git_create_branch',
    ]);
    expect(sreSecond?.system).toBe(sreFirst?.system);
    expect(backendSecond?.system).toBe(backendFirst?.system);

    const text = (message?: { content: Array<Record<string, unknown>> }) =>
      (message?.content ?? []).map((part) => String(part.text ?? '')).join('');
    // The backend engineer starts from the hand-off, not the SRE's conversation.
    expect(backendFirst?.messages.map((message) => message.role)).toEqual(['user', 'user']);
    const opening = text(backendFirst?.messages[0]);
    expect(opening).toContain(
      `You (Backend Engineer) are taking over from the Site Reliability Engineer. What the war room has established so far:\n\nFindings:\n- [sre] ${finding} (evidence: git_log)`,
    );
    expect(opening).not.toContain('minutes before the alert');
    expect(text(backendFirst?.messages[1])).toBe('create a hotfix branch');
    // The refusal is what the model was told.
    expect(backendSecond?.messages.at(-1)).toMatchObject({
      role: 'tool',
      content: [
        {
          toolName: 'git_create_branch',
          output: {
            status: 'refused',
            error: 'the operator declined to run write tool git_create_branch',
          },
        },
      ],
    });
  });

  it('replays the session from its script: the same screen, no tool run but memory', async () => {
    expect(liveTranscript, 'the terminal session above recorded the fixtures').not.toBe('');
    const script = join(project.root, 'session.txt');
    await writeFile(script, `# the engineer's lines\n${typed.join('\n')}\n`);
    // Nothing to run against: a git tool that ran would fail, and show it.
    const moved = `${project.repository}-away`;
    await cp(project.repository, moved, { recursive: true });
    await rm(project.repository, { recursive: true });
    try {
      const replay = bin(
        'main',
        [
          'investigate',
          '--incident',
          project.incidentFile,
          '--provider',
          'replay',
          '--fixtures',
          recorded,
          '--script',
          script,
          '--personas-dir',
          'personas',
        ],
        { cwd: project.root, env: { WARROOM_HOME: project.home, ANTHROPIC_API_KEY: '' } },
      );
      expect(replay.stderr).toBe('');
      expect(replay.code).toBe(0);
      expect(replay.stdout).toBe(liveTranscript);
      const memory = (
        await readFile(join(project.home, 'rehearsals', incidentId, 'memory.jsonl'), 'utf8')
      )
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { kind: string; text: string; persona?: string });
      // record_finding ran again (memory tools always do): the memory is rebuilt.
      expect(memory.map((entry) => [entry.kind, entry.persona])).toEqual([
        ['tool-result', 'sre'],
        ['finding', 'sre'],
        ['persona', 'backend-engineer'],
        ['tool-result', 'backend-engineer'],
        ['report', 'backend-engineer'],
      ]);
    } finally {
      await cp(moved, project.repository, { recursive: true });
    }
  });
});
