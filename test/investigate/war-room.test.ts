/**
 * The war room without a terminal: messages go to the current persona (labelled
 * by incident, exchange and turn), slash commands read and write the memory, a
 * persona switch changes the system prompt and tools and hands over the findings
 * (not the transcript), a cancel leaves the conversation as it was, mistakes are
 * one line and the session goes on, and nothing reaches the screen before it is
 * in transcript.md.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WarroomError } from '../../src/errors.js';
import type { RecordedToolResults } from '../../src/fixture/index.js';
import type { IncidentRecord } from '../../src/investigate/index.js';
import type { GenerateResult, ToolCallPart } from '../../src/provider/spec.js';
import { textResult } from '../engine/scripted-model.js';
import { fakeSecrets } from '../support/fake-secrets.js';
import { makeHome, openRoom, type Room, TestClock } from './war-room-kit.js';

let home: string;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ home, remove } = await makeHome());
});
afterEach(() => remove());

function toolTurn(...calls: Array<[string, Record<string, unknown>]>): GenerateResult {
  return {
    content: calls.map(
      ([toolName, input], index): ToolCallPart => ({
        type: 'tool-call',
        toolCallId: `call_${index + 1}`,
        toolName,
        input: JSON.stringify(input),
      }),
    ),
    finishReason: { unified: 'tool-calls', raw: 'tool_use' },
    usage: { inputTokens: 10, outputTokens: 5 },
    warnings: [],
    response: { id: 'msg_tool_turn' },
  };
}

const toolNames = (room: Room, index: number) =>
  room.model.calls[index]?.options.tools?.map((tool) => tool.name);
const userTexts = (room: Room, index: number) =>
  (room.model.calls[index]?.options.messages ?? [])
    .filter((message) => message.role === 'user')
    .map((message) =>
      message.content.map((part) => (part.type === 'text' ? part.text : '')).join(''),
    );

describe('WarRoom', () => {
  it('sends a message to the persona, labelled, and shows the reply after transcribing it', async () => {
    const room = await openRoom({ home, script: () => 'The 5xx ratio is 0.117.' });
    expect(await room.room.handle('what is the error rate?')).toBe('continue');
    const [call] = room.model.calls;
    expect(call?.options.callLabel).toEqual({ run: 'investigate/INC-TEST-1', subtask: 1, turn: 1 });
    expect(call?.target).toEqual({ provider: 'scripted', modelId: 'model-sre' });
    expect(call?.options.system).toMatch(/^You run the incident\.\n\n## This session\n/);
    expect(toolNames(room, 0)).toEqual(['record_finding', 'recall_memory', 'read_metrics']);
    expect(userTexts(room, 0)).toEqual([
      expect.stringMatching(/^Incident INC-TEST-1 \("checkout-api out of database connections"\)/),
      'what is the error rate?',
    ]);
    expect(room.screen).toEqual(['sre: The 5xx ratio is 0.117.']);
    expect(room.notTranscribed).toEqual([]);
    // The conversation goes on: the next exchange carries the first one.
    await room.room.handle('and the latency?');
    expect(room.model.calls[1]?.options.callLabel?.subtask).toBe(2);
    expect(userTexts(room, 1)).toHaveLength(3);
  });

  it('switches persona: new prompt and tools, and the findings (not the transcript) handed over', async () => {
    const room = await openRoom({
      home,
      script: (call) => {
        if (call.subtask === 1 && call.turn === 1)
          return toolTurn(['record_finding', { kind: 'finding', text: 'pool at 14 per pod' }]);
        if (call.subtask === 1) return 'Pool is at 14 per pod; that is the smoking gun.';
        return 'Looking at the code.';
      },
    });
    await room.room.handle('what changed?');
    expect(await room.room.handle('/persona backend-engineer')).toBe('continue');
    expect(room.screen.at(-1)).toBe(
      'now talking to Backend Engineer (backend-engineer); tools: record_finding, recall_memory, create_branch',
    );
    await room.room.handle('why does the pool run dry?');

    const before = room.model.calls[1];
    const after = room.model.calls[2];
    expect(after?.options.callLabel).toEqual({
      run: 'investigate/INC-TEST-1',
      subtask: 2,
      turn: 1,
    });
    expect(after?.target.modelId).toBe('model-backend-engineer');
    expect(after?.options.system).toMatch(/^You read the code\.\n\n## This session/);
    expect(after?.options.system).not.toBe(before?.options.system);
    expect(toolNames(room, 1)).toEqual(['record_finding', 'recall_memory', 'read_metrics']);
    expect(toolNames(room, 2)).toEqual(['record_finding', 'recall_memory', 'create_branch']);
    const [opening, message, ...rest] = userTexts(room, 2);
    expect(rest).toEqual([]);
    expect(message).toBe('why does the pool run dry?');
    expect(opening).toContain(
      'You (Backend Engineer) are taking over from the Site Reliability Engineer. What the war room has established so far:\n\nFindings:\n- [sre] pool at 14 per pod',
    );
    // The SRE's words stay with the SRE.
    expect(JSON.stringify(after?.options.messages)).not.toContain('smoking gun');
    expect(room.memory.lastPersona).toBe('backend-engineer');
  });

  it('refuses an unknown persona in one line, naming the known ones, and stays put', async () => {
    const room = await openRoom({ home });
    expect(await room.room.handle('/persona nobody')).toBe('usage-error');
    expect(room.screen).toEqual(['error: no persona "nobody" (known: sre, backend-engineer)']);
    expect(room.room.investigation.persona.id).toBe('sre');
    expect(await room.room.handle('/persona sre')).toBe('continue');
    expect(room.screen.at(-1)).toBe('already talking to Site Reliability Engineer (sre)');
    expect(await room.room.handle('/persona')).toBe('usage-error');
    expect(room.screen.at(-1)).toBe('error: usage: /persona <id>');
    expect(room.memory.entries).toEqual([]);
  });

  it('notes and recalls, by words and by kind', async () => {
    const room = await openRoom({ home });
    await room.room.handle('/note DBA paged about the pool');
    await room.room.handle('/note   status page updated  ');
    expect(room.screen).toEqual(['noted (#1)', 'noted (#2)']);
    expect(room.memory.entries.map(({ kind, text, source }) => ({ kind, text, source }))).toEqual([
      { kind: 'note', text: 'DBA paged about the pool', source: 'engineer' },
      { kind: 'note', text: 'status page updated', source: 'engineer' },
    ]);
    room.screen.length = 0;
    await room.room.handle('/recall pool');
    await room.room.handle('/recall kind:note');
    await room.room.handle('/recall pool kind:finding');
    expect(room.screen).toEqual([
      '#1 note [engineer] DBA paged about the pool',
      '#2 note [engineer] status page updated\n#1 note [engineer] DBA paged about the pool',
      'nothing in memory matches "pool kind:finding"',
    ]);
    expect(await room.room.handle('/recall kind:rumour')).toBe('usage-error');
    expect(room.screen.at(-1)).toMatch(
      /^error: kind:rumour: one of finding, hypothesis, decision, /,
    );
    expect(await room.room.handle('/recall')).toBe('usage-error');
    expect(room.screen.at(-1)).toBe('error: usage: /recall <words>');
  });

  it('keeps a secret pasted into a note out of the memory and the transcript', async () => {
    const token = fakeSecrets.github('warroom');
    const room = await openRoom({ home });
    room.room.transcribe(`sre> /note deploy bot token ${token} was in the pod env`);
    await room.room.handle(`/note deploy bot token ${token} was in the pod env`);
    await room.room.handle('/recall deploy bot');
    expect(room.transcript()).not.toContain(token);
    expect(room.transcript()).toContain('deploy bot token [REDACTED');
    const memory = await readFile(join(room.memory.directory, 'memory.jsonl'), 'utf8');
    expect(memory).not.toContain(token);
  });

  it('puts the incident’s own times and the room’s entries on one timeline, by instant', async () => {
    const clock = new TestClock(Date.parse('2025-11-18T13:55:00.250Z'));
    const room = await openRoom({ home, clock });
    await room.room.handle('/note first look at the pool');
    // Half a second after detection: after it, though its text sorts before "…30Z".
    clock.advance(Date.parse('2025-11-18T14:14:30.500Z') - Date.parse('2025-11-18T13:55:00.250Z'));
    await room.room.handle('/severity p1');
    room.memory.record({ kind: 'tool-result', text: 'noise', persona: 'sre', source: 'persona' });
    room.screen.length = 0;
    await room.room.handle('/timeline');
    expect(room.screen).toEqual([
      [
        '2025-11-18T13:52:10Z  change: pool size 10 -> 14',
        '2025-11-18T13:55:00Z  note [engineer] first look at the pool',
        '2025-11-18T13:58:00Z  change: retry backoff 2 s -> 1 s',
        '2025-11-18T14:14:30Z  incident detected',
        '2025-11-18T14:14:30Z  alert CheckoutApiHigh5xxRatio fired',
        '2025-11-18T14:14:30Z  severity [engineer] SEV-2',
      ].join('\n'),
    ]);
  });

  it('normalises severities and refuses what is not one', async () => {
    const room = await openRoom({ home });
    for (const given of ['p1', 'sev 3', 'SEV_4', ' Sev-1 '])
      await room.room.handle(`/severity ${given}`);
    expect(room.screen).toEqual([
      'severity set to SEV-2',
      'severity set to SEV-3',
      'severity set to SEV-4',
      'severity set to SEV-1',
    ]);
    expect(room.memory.severity).toBe('SEV-1');
    expect(await room.room.handle('/severity critical')).toBe('usage-error');
    expect(room.screen.at(-1)).toBe('error: "critical" is not a severity: SEV-1..SEV-4 or P0..P3');
    expect(await room.room.handle('/severity')).toBe('usage-error');
    expect(room.screen.at(-1)).toBe('error: usage: /severity <SEV-n>');
    expect(room.memory.severity).toBe('SEV-1');
  });

  it('says an unknown command in one line and goes on; /quit leaves', async () => {
    const room = await openRoom({ home });
    expect(await room.room.handle('/frobnicate now')).toBe('usage-error');
    expect(room.screen).toEqual(['error: unknown command /frobnicate; /help lists them']);
    expect(await room.room.handle('   ')).toBe('continue');
    expect(await room.room.handle('/quit')).toBe('quit');
    expect(room.screen.at(-1)).toBe(`saved: ${join(home, 'incidents', 'INC-TEST-1')}`);
  });

  it('cancels a held model call on the signal and keeps the conversation as it was', async () => {
    const room = await openRoom({
      home,
      script: (call) => (call.subtask === 2 ? 'second' : undefined),
    });
    const controller = new AbortController();
    const pending = room.room.handle('a long question', controller.signal);
    await room.model.callFor(1);
    controller.abort();
    expect(await pending).toBe('continue');
    expect(room.screen).toEqual(['(cancelled; the session goes on)']);
    await room.room.handle('a short one');
    expect(userTexts(room, 1).slice(1)).toEqual(['a short one']);
    expect(room.screen.at(-1)).toBe('sre: second');
  });

  it('shows a failed exchange in one line and says it failed', async () => {
    const room = await openRoom({ home });
    const pending = room.room.handle('anything');
    (await room.model.callFor(1)).fail(
      new WarroomError({ code: 'FIXTURE_MISS', message: 'no recorded call matches\nsecond line' }),
    );
    expect(await pending).toBe('failed');
    expect(room.screen).toEqual(['error: no recorded call matches']);
  });

  it('remembers a write that ran even when the exchange is cancelled after it', async () => {
    const controller = new AbortController();
    const room = await openRoom({
      home,
      start: 'backend-engineer',
      extra: { approvals: new Set(['create_branch']) },
      script: (call) =>
        call.turn === 1 ? toolTurn(['create_branch', { target: 'hotfix/pool' }]) : undefined,
    });
    const pending = room.room.handle('make a hotfix branch', controller.signal);
    await room.model.callFor(1, 2);
    controller.abort();
    await pending;
    expect(room.runs).toEqual(['create_branch']);
    expect(room.memory.entries).toContainEqual(
      expect.objectContaining({
        kind: 'tool-result',
        text: expect.stringMatching(/^create_branch\(/),
        data: expect.objectContaining({ effect: 'write', status: 'ok' }),
      }),
    );
  });

  it('asks before a write tool; a refusal runs nothing and the persona is told', async () => {
    const asked: string[] = [];
    const room = await openRoom({
      home,
      start: 'backend-engineer',
      extra: {
        confirm: async (tool, input) => {
          asked.push(`${tool.name} ${JSON.stringify(input)}`);
          return false;
        },
      },
      script: (call) =>
        call.turn === 1 ? toolTurn(['create_branch', { target: 'hotfix/pool' }]) : 'Not created.',
    });
    await room.room.handle('make a hotfix branch');
    expect(asked).toEqual(['create_branch {"target":"hotfix/pool"}']);
    expect(room.runs).toEqual([]);
    const toolMessage = room.model.calls[1]?.options.messages.at(-1);
    expect(toolMessage).toMatchObject({
      role: 'tool',
      content: [
        {
          output: {
            status: 'refused',
            error: 'the operator declined to run write tool create_branch',
          },
        },
      ],
    });
    expect(room.memory.entries.at(-1)).toMatchObject({
      kind: 'tool-result',
      data: { tool: 'create_branch', status: 'refused', effect: 'write' },
    });
  });

  it('under replay asks where the recording asked, runs nothing, and plays the recorded result back', async () => {
    const recorded: RecordedToolResults = {
      find: (label, toolCallId) =>
        label.subtask === 1 && label.turn === 1 && toolCallId === 'call_1'
          ? {
              type: 'tool-result',
              toolCallId,
              toolName: 'create_branch',
              output: { tool: 'create_branch', status: 'ok', data: { created: true } },
            }
          : undefined,
    };
    const answers = [false];
    const room = await openRoom({
      home,
      start: 'backend-engineer',
      extra: {
        recordedToolResults: recorded,
        confirm: async () => answers.shift() ?? true,
      },
      script: (call) =>
        call.turn === 1 ? toolTurn(['create_branch', { target: 'hotfix/pool' }]) : 'Created.',
    });
    await room.room.handle('make a hotfix branch');
    expect(answers).toEqual([]);
    expect(room.runs).toEqual([]);
    expect(room.model.calls[1]?.options.messages.at(-1)).toMatchObject({
      content: [{ output: { status: 'ok', data: { created: true } } }],
    });
    expect(room.events).toContainEqual({
      type: 'notice',
      text: '(replay: the recorded session answered yes; its result is played back)',
    });
  });

  it('writes the incident record: the persona’s judgement, the room’s timeline and actions', async () => {
    const answer = {
      status: 'mitigated',
      summary: 'Checkout failed for 20 minutes.',
      impact: '37 tickets',
      root_cause: 'pool of 14 per pod exhausted max_connections',
      next_steps: ['size pools against max_connections'],
      action_items: [{ action: 'add a pool budget check', owner: 'team-checkout', priority: 'P1' }],
    };
    const room = await openRoom({
      home,
      start: 'backend-engineer',
      extra: { confirm: async () => true },
      script: (call) => {
        if (call.subtask === 1 && call.turn === 1)
          return toolTurn(
            ['create_branch', { target: 'revert-pool' }],
            ['record_finding', { kind: 'decision', text: 'revert the pool size' }],
          );
        if (call.subtask === 1) return 'Branch created.';
        return textResult(JSON.stringify(answer));
      },
    });
    await room.room.handle('/severity SEV-2');
    await room.room.handle('revert it');
    expect(room.runs).toEqual(['create_branch']);
    await room.room.handle('/report');
    const reportCall = room.model.calls[2];
    expect(reportCall?.options.callLabel).toEqual({
      run: 'investigate/INC-TEST-1',
      subtask: 2,
      turn: 1,
    });
    expect(reportCall?.options.responseFormat).toMatchObject({
      type: 'json',
      name: 'incident_record',
    });
    const directory = join(home, 'incidents', 'INC-TEST-1');
    const record = JSON.parse(
      await readFile(join(directory, 'report.json'), 'utf8'),
    ) as IncidentRecord;
    expect(record).toMatchObject({
      incident_id: 'INC-TEST-1',
      severity: 'SEV-2',
      status: 'mitigated',
      root_cause: answer.root_cause,
      decisions: ['revert the pool size'],
      action_items: answer.action_items,
      personas: ['backend-engineer'],
    });
    expect(record.actions_taken).toEqual([expect.stringMatching(/^create_branch\(/)]);
    expect(record.timeline.map((entry) => entry.kind)).toEqual(['severity', 'decision']);
    const markdown = await readFile(join(directory, 'report.md'), 'utf8');
    expect(markdown).toContain('## Root cause\n\npool of 14 per pod exhausted max_connections');
    expect(room.screen.at(-1)).toBe(
      `incident record (mitigated): ${join(directory, 'report.md')}\n  root cause: ${answer.root_cause}`,
    );
    expect(room.notTranscribed).toEqual([]);
  });
});
