/**
 * `warroom investigate` in a real terminal (tmux) against the real Anthropic SDK
 * talking to a loopback server: Ctrl-C during a model call cancels that call and
 * the session goes on; a second Ctrl-C saves and leaves (exit 0); a crash (kill -9)
 * loses nothing that was on the screen, and the findings are on disk; leaving and
 * re-entering the incident by id brings back its memory, its timeline and the
 * persona last used, and the new conversation opens with what was established.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AnthropicWireServer,
  startAnthropicWireServer,
  type WireObject,
  type WireReply,
} from '../support/anthropic-wire-server.js';
import { fakeSecrets } from '../support/fake-secrets.js';
import {
  createInvestigateProject,
  type InvestigateProject,
  incidentId,
  investigateInTerminal,
  lastLine,
  programScreen,
  promptShown,
  screenLines,
  typeAtPrompt,
} from './investigate-project.js';

let project: InvestigateProject;
let server: AnthropicWireServer;

beforeAll(async () => {
  project = await createInvestigateProject();
  // Whatever a test has not queued a reply for hangs, as a stuck model would.
  server = await startAnthropicWireServer(() => ({ type: 'hang' }));
});

afterAll(async () => {
  await server?.close();
  await project?.remove();
});

const finding = 'orders-db-primary is out of connection slots (53300, max_connections 400)';

function toolUse(name: string, input: WireObject): WireReply {
  return {
    type: 'message',
    message: {
      content: [{ type: 'tool_use', id: `toolu_${name}`, name, input }],
      stop_reason: 'tool_use',
    },
  };
}

function text(words: string, delayMs?: number): WireReply {
  return {
    type: 'message',
    message: { content: [{ type: 'text', text: words }], stop_reason: 'end_turn' },
    ...(delayMs === undefined ? {} : { delayMs }),
  };
}

/** The session, in its own $WARROOM_HOME, talking to the loopback server. */
function session(home: string, args: string[]) {
  return investigateInTerminal(
    project,
    [...args, '--provider', 'anthropic', '--personas-dir', 'personas'],
    {
      WARROOM_HOME: home,
      ANTHROPIC_BASE_URL: server.url,
      ANTHROPIC_API_KEY: fakeSecrets.anthropic('investigate'),
    },
  );
}

async function requestsReach(count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (server.requests.length < count) {
    if (Date.now() > deadline) throw new Error(`only ${server.requests.length} requests arrived`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The text blocks of a request's user turns, in order (tool results as `[tool_result]`). */
function userTexts(index: number): string[] {
  const messages = (server.requests[index]?.body?.messages ?? []) as WireObject[];
  return messages
    .filter((message) => message.role === 'user')
    .flatMap((message) =>
      typeof message.content === 'string'
        ? [message.content]
        : (message.content as WireObject[]).map((block) =>
            block.type === 'text' ? String(block.text) : `[${String(block.type)}]`,
          ),
    );
}

describe('warroom investigate sessions', () => {
  it('Ctrl-C during a model call cancels it and keeps the session; a second Ctrl-C saves and leaves', async () => {
    const home = join(project.root, 'home-interrupts');
    const first = server.requests.length;
    const { terminal, exited } = session(home, ['--incident', project.incidentFile]);
    try {
      await terminal.waitFor(promptShown('sre> '));
      terminal.type('is checkout down?');
      await terminal.waitFor('  … sre (anthropic/claude-sonnet-5-5)');
      await requestsReach(first + 1);
      terminal.press('C-c');
      let screen = await terminal.waitFor(promptShown('sre> '));
      expect(screen).toContain(
        '  … sre (anthropic/claude-sonnet-5-5)\n(cancelled; the session goes on)\nsre>',
      );

      await typeAtPrompt(terminal, 'sre> ', '/note the first question was cancelled');
      await terminal.waitFor('noted (#1)');
      await terminal.waitFor(promptShown('sre> '));
      // Ctrl-C at the prompt: a hint above it, the prompt drawn again, the draft dropped.
      terminal.type('half a thought', { enter: false });
      await terminal.waitFor('sre> half a thought');
      terminal.press('C-c');
      await terminal.waitFor('(Ctrl-C again to save and leave)');
      screen = await terminal.waitFor(promptShown('sre> '));
      expect(screen).toContain('noted (#1)\n(Ctrl-C again to save and leave)\nsre>');
      expect(screen).not.toContain('half a thought');

      // A line typed since resets the count: this Ctrl-C only cancels.
      await typeAtPrompt(terminal, 'sre> ', 'second question');
      await requestsReach(first + 2);
      terminal.press('C-c');
      await terminal.waitFor(
        /\(cancelled; the session goes on\)[\s\S]*\(cancelled; the session goes on\)/,
      );
      await terminal.waitFor(promptShown('sre> '));
      terminal.press('C-c');
      expect(await exited()).toBe(0);
      screen = programScreen(terminal.screen());
      expect(lastLine(screen)).toBe(`saved: ${join('home-interrupts', 'incidents', incidentId)}`);
    } finally {
      terminal.close();
    }
    // The cancelled question left no trace in the conversation.
    expect(userTexts(first + 1).at(-1)).toBe('second question');
    expect(userTexts(first + 1).join('\n')).not.toContain('is checkout down?');
    const memory = await readFile(join(home, 'incidents', incidentId, 'memory.jsonl'), 'utf8');
    expect(memory).toContain('"text":"the first question was cancelled"');
    const transcript = await readFile(join(home, 'incidents', incidentId, 'transcript.md'), 'utf8');
    expect(transcript).toContain('(cancelled; the session goes on)\n');
  });

  it('Ctrl-C at a write tool’s y/N cancels the exchange and writes nothing', async () => {
    const home = join(project.root, 'home-cancel-write');
    server.reply(toolUse('git_create_branch', { branch: 'hotfix/pool-size-10', from: 'main' }));
    const { terminal, exited } = session(home, [
      '--incident',
      project.incidentFile,
      '--persona',
      'backend-engineer',
    ]);
    try {
      await typeAtPrompt(terminal, 'backend-engineer> ', 'branch off for the revert');
      await terminal.waitFor(promptShown('  allow? [y/N] '));
      terminal.press('C-c');
      await terminal.waitFor('(cancelled; the session goes on)');
      await typeAtPrompt(terminal, 'backend-engineer> ', '/quit');
      expect(await exited()).toBe(0);
      expect(project.branches()).toEqual(['main']);
      const transcript = await readFile(
        join(home, 'incidents', incidentId, 'transcript.md'),
        'utf8',
      );
      expect(screenLines(transcript)).toEqual(screenLines(programScreen(terminal.screen())));
    } finally {
      terminal.close();
    }
  });

  it('keeps what is typed while the persona works: lines in order, the draft under the prompt', async () => {
    const home = join(project.root, 'home-type-ahead');
    const first = server.requests.length;
    server.reply(text('Checkout is failing 12% of requests.', 1_500));
    const { terminal, exited } = session(home, ['--incident', project.incidentFile]);
    try {
      await typeAtPrompt(terminal, 'sre> ', 'is checkout down?');
      await requestsReach(first + 1);
      // A whole line, then a draft, typed while the persona is still working.
      terminal.type('/note typed ahead');
      terminal.type('/note the draft', { enter: false });
      await terminal.waitFor('noted (#1)');
      const screen = await terminal.waitFor(promptShown('sre> /note the draft'));
      expect(screenLines(screen).slice(-5)).toEqual([
        '  … sre (anthropic/claude-sonnet-5-5)',
        '/note typed ahead',
        'sre: Checkout is failing 12% of requests.',
        'noted (#1)',
        'sre> /note the draft',
      ]);
      terminal.press('Enter');
      await terminal.waitFor('noted (#2)');
      await typeAtPrompt(terminal, 'sre> ', '/quit');
      expect(await exited()).toBe(0);
      const transcript = await readFile(
        join(home, 'incidents', incidentId, 'transcript.md'),
        'utf8',
      );
      expect(screenLines(transcript)).toEqual(screenLines(programScreen(terminal.screen())));
    } finally {
      terminal.close();
    }
  });

  it('loses nothing that was on the screen when killed mid-call, and keeps the findings', async () => {
    const home = join(project.root, 'home-crash');
    const first = server.requests.length;
    server.reply(
      toolUse('record_finding', { kind: 'finding', text: finding }),
      text('The primary database is out of connection slots.'),
    );
    const { terminal, exited, pid } = session(home, ['--incident', project.incidentFile]);
    try {
      await terminal.waitFor(promptShown('sre> '));
      terminal.type('what ran out?');
      await terminal.waitFor('sre: The primary database is out of connection slots.');
      await typeAtPrompt(terminal, 'sre> ', '/severity P1');
      await terminal.waitFor('severity set to SEV-2');
      await typeAtPrompt(terminal, 'sre> ', 'what do we do first?');
      await requestsReach(first + 3);
      await terminal.waitFor(/severity set to SEV-2\nsre> what do we do first\?\n {2}… sre/);
      process.kill(pid(), 'SIGKILL');
      expect(await exited()).toBe(137);
      const screen = programScreen(terminal.screen());
      const transcript = await readFile(
        join(home, 'incidents', incidentId, 'transcript.md'),
        'utf8',
      );
      expect(screenLines(screen).at(-1)).toBe('  … sre (anthropic/claude-sonnet-5-5)');
      // Every line that was on the screen, in order, is in the transcript.
      expect(screenLines(transcript)).toEqual(screenLines(screen));
      const memory = (await readFile(join(home, 'incidents', incidentId, 'memory.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { kind: string; text: string; persona?: string });
      expect(memory.map((entry) => [entry.kind, entry.text, entry.persona])).toEqual([
        ['finding', finding, 'sre'],
        ['severity', 'SEV-2', undefined],
      ]);
    } finally {
      terminal.close();
    }
  });

  it('re-enters an incident by id with its memory, timeline and last persona', async () => {
    const home = join(project.root, 'home-reenter');
    const first = server.requests.length;
    server.reply(
      toolUse('record_finding', { kind: 'finding', text: finding }),
      text('Recorded: the database is out of connection slots.'),
    );
    const before = session(home, ['--incident', project.incidentFile]);
    try {
      await before.terminal.waitFor(promptShown('sre> '));
      before.terminal.type('what ran out?');
      await before.terminal.waitFor('sre: Recorded: the database is out of connection slots.');
      await typeAtPrompt(before.terminal, 'sre> ', '/persona observability-expert');
      await before.terminal.waitFor(promptShown('observability-expert> '));
      before.terminal.type('/quit');
      expect(await before.exited()).toBe(0);
    } finally {
      before.terminal.close();
    }

    server.reply(text('We established that the database is out of slots.'));
    const again = session(home, ['--incident', incidentId]);
    try {
      let screen = await again.terminal.waitFor(promptShown('observability-expert> '));
      expect(screen).toContain(
        `incident ${incidentId} — Observability Expert (observability-expert) is in the room`,
      );
      again.terminal.type('/recall connection slots');
      screen = await again.terminal.waitFor(`#1 finding [sre] ${finding}`);
      await typeAtPrompt(again.terminal, 'observability-expert> ', '/timeline');
      screen = await again.terminal.waitFor(
        /Z {2}persona \[observability-expert\] sre → observability-expert/,
      );
      const timeline = screen.slice(screen.lastIndexOf('observability-expert> /timeline'));
      const rows = timeline.split('\n').slice(1, 10);
      expect(rows.slice(0, 4)).toEqual([
        '2025-11-18T11:20:00Z  change: Parameter group change: log_min_duration_statement 1000 ms -> 250 ms. Applied online, no restart.',
        '2025-11-18T13:30:00Z  change: Flag checkout.apple-pay-express enabled for 25% of web sessions.',
        expect.stringMatching(/^2025-11-18T13:52:10Z {2}change: Release v3\.42\.0/),
        expect.stringMatching(/^2025-11-18T13:58:00Z {2}change: Capture retry backoff/),
      ]);
      expect(timeline).toMatch(
        new RegExp(`\\dZ {2}finding \\[sre\\] ${finding.replace(/[()]/g, '\\$&')}\\n`),
      );

      await typeAtPrompt(again.terminal, 'observability-expert> ', 'where were we?');
      await again.terminal.waitFor(
        'observability-expert: We established that the database is out of slots.',
      );
      await again.terminal.waitFor(promptShown('observability-expert> '));
      // End of input (Ctrl-D) saves and leaves too.
      again.terminal.press('C-d');
      expect(await again.exited()).toBe(0);
      expect(lastLine(programScreen(again.terminal.screen()))).toBe(
        `saved: ${join('home-reenter', 'incidents', incidentId)}`,
      );
    } finally {
      again.terminal.close();
    }
    const system = server.requests[first + 2]?.body?.system;
    const systemText = Array.isArray(system)
      ? system.map((block) => String((block as WireObject).text)).join('')
      : String(system);
    expect(systemText).toMatch(/^# Observability Expert\n/);
    const [opening, question] = userTexts(first + 2);
    expect(question).toBe('where were we?');
    expect(opening).toContain(
      `What the war room has established so far:\n\nFindings:\n- [sre] ${finding}`,
    );
  });
});
