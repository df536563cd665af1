import { describe, expect, it } from 'vitest';
import { startLiveTaskList } from '../../src/cli/commands/live-task-list.js';
import {
  emptyTaskList,
  reduceTaskList,
  renderTaskList,
  type TaskListState,
} from '../../src/cli/commands/task-list.js';
import type { RunEvent } from '../../src/index.js';

const model = 'anthropic/claude-sonnet-4-5';
const base = Date.UTC(2025, 10, 18, 1, 42, 0);
const at = (ms: number) => new Date(base + ms).toISOString();
const usage = { cacheReadTokens: 0, cacheWriteTokens: 0 };

const runStart: RunEvent = {
  type: 'run-start',
  at: at(0),
  runId: 'run-1',
  chain: 'incident-response',
  version: '1.0.0',
  subtasks: [1, 2, 3],
  retryPolicy: {
    maxAttempts: 4,
    baseDelayMs: 1000,
    maxDelayMs: 30000,
    maxRetryAfterMs: 60000,
    timeoutMs: 180000,
  },
};

const midRun: RunEvent[] = [
  runStart,
  { type: 'subtask-start', at: at(100), subtask: 1, persona: 'sre', model },
  {
    type: 'model-call',
    at: at(600),
    subtask: 1,
    turn: 1,
    model,
    durationMs: 500,
    finishReason: 'stop',
    usage: { inputTokens: 1000, outputTokens: 200 },
    costUsd: 0.006,
  },
  {
    type: 'subtask-end',
    at: at(700),
    subtask: 1,
    status: 'succeeded',
    turns: 1,
    durationMs: 600,
    usage: { ...usage, inputTokens: 1000, outputTokens: 200 },
    output: 'outputs/subtask-1.json',
  },
  { type: 'subtask-start', at: at(800), subtask: 2, persona: 'observability-expert', model },
  {
    type: 'model-retry',
    at: at(900),
    subtask: 2,
    turn: 1,
    attempt: 1,
    delayMs: 1000,
    reason: 'rate limited',
  },
  {
    type: 'tool-call',
    at: at(2500),
    subtask: 2,
    turn: 1,
    tool: 'prometheus_query',
    toolCallId: 't1',
    input: '{}',
    status: 'ok',
    durationMs: 40,
  },
];

const reduce = (events: RunEvent[], state: TaskListState = emptyTaskList(base)) =>
  events.reduce(reduceTaskList, state);

describe('reduceTaskList', () => {
  it('starts every subtask waiting and moves each through running to done or failed', () => {
    expect(reduce([runStart]).rows.map((row) => row.state)).toEqual([
      'waiting',
      'waiting',
      'waiting',
    ]);
    const state = reduce([
      ...midRun,
      {
        type: 'subtask-fail',
        at: at(3000),
        subtask: 2,
        code: 'OUTPUT_INVALID',
        message: 'bad output',
        durationMs: 2200,
      },
      { type: 'subtask-skip', at: at(3000), subtask: 3, reason: 'subtask 2 failed' },
      { type: 'run-end', at: at(3100), status: 'failed', durationMs: 3100 },
    ]);
    expect(state.rows.map((row) => [row.subtask, row.persona, row.state])).toEqual([
      [1, 'sre', 'done'],
      [2, 'observability-expert', 'failed'],
      [3, undefined, 'skipped'],
    ]);
    expect(state.status).toBe('failed');
  });

  it('counts tokens, cost, retries and tool calls per subtask', () => {
    const [first, second, third] = reduce(midRun).rows;
    expect(first).toMatchObject({ tokens: 1200, costUsd: 0.006, retries: 0, durationMs: 600 });
    expect(second).toMatchObject({ state: 'running', tokens: 0, retries: 1, toolCalls: 1 });
    expect(third).toMatchObject({ state: 'waiting', tokens: 0, retries: 0 });
  });

  it('marks the subtasks a resumed run already finished as done', () => {
    const state = reduce([
      runStart,
      {
        type: 'run-resume',
        at: at(5000),
        runId: 'run-1',
        pid: 42,
        previousStatus: 'running',
        done: [1],
        inDoubt: [],
      },
    ]);
    expect(state.rows.map((row) => row.state)).toEqual(['done', 'waiting', 'waiting']);
  });
});

describe('renderTaskList', () => {
  it('shows one row per subtask: number, persona, state, elapsed, tokens, retries', () => {
    const state = reduce(midRun);
    expect(renderTaskList({ ...state, now: base + 3000 })).toBe(
      [
        'run run-1 · incident-response 1.0.0 · 3.0 s',
        '  ✓  1  sre                   done       0.6 s    1,200 tok',
        '  ▶  2  observability-expert  running    2.2 s               1 tool call  1 retry',
        '  ·  3  —                     waiting',
        '  1,200 tokens · $0.0060',
        '',
      ].join('\n'),
    );
  });

  it('ends with the run status once the run is over', () => {
    const state = reduce([
      runStart,
      { type: 'run-end', at: at(50), status: 'stopped', durationMs: 50, reason: 'budget' },
    ]);
    expect(renderTaskList(state).split('\n')[0]).toBe(
      'run run-1 · incident-response 1.0.0 · 0.1 s · stopped',
    );
  });
});

describe('startLiveTaskList', () => {
  it('redraws the frame in place and shows the cursor again when stopped', () => {
    const written: string[] = [];
    const live = startLiveTaskList((text) => written.push(text), { clock: () => base });
    live.onEvent(runStart);
    live.onEvent(midRun[1] as RunEvent);
    live.stop();
    const output = written.join('');
    expect(output.startsWith('\u001b[?25l')).toBe(true);
    expect(output.endsWith('\u001b[?25h')).toBe(true);
    // Each redraw moves up over the previous frame (header, three rows, footer).
    expect(output).toContain('\u001b[5F\u001b[J');
    expect(output).toContain('running');
  });
});
