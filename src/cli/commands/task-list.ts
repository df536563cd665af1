/**
 * The live task list's model: a pure reducer from run events to one row per
 * subtask, and a pure renderer to text (no ANSI; live-task-list.ts redraws it).
 */
import type { RunEvent } from '../../index.js';

export type TaskState = 'waiting' | 'running' | 'done' | 'failed' | 'skipped';

export interface TaskRow {
  subtask: number;
  persona?: string;
  state: TaskState;
  startedAt?: number;
  durationMs?: number;
  tokens: number;
  retries: number;
  toolCalls: number;
  costUsd: number;
}

export interface TaskListState {
  runId?: string;
  chain?: string;
  startedAt?: number;
  /** The clock the elapsed times of running rows are measured against. */
  now: number;
  status: 'running' | 'succeeded' | 'failed' | 'stopped' | 'awaiting-decision';
  rows: TaskRow[];
}

export function emptyTaskList(now: number): TaskListState {
  return { now, status: 'running', rows: [] };
}

export function reduceTaskList(state: TaskListState, event: RunEvent): TaskListState {
  const at = Date.parse(event.at);
  const now = Math.max(state.now, at);
  switch (event.type) {
    case 'run-start':
      return {
        runId: event.runId,
        chain: `${event.chain} ${event.version}`,
        startedAt: at,
        now,
        status: 'running',
        rows: event.subtasks.map((subtask) => waiting(subtask)),
      };
    case 'run-resume':
      return {
        ...state,
        runId: event.runId,
        startedAt: state.startedAt ?? at,
        now,
        status: 'running',
        rows: state.rows.map((row) =>
          event.done.includes(row.subtask) ? { ...row, state: 'done' } : row,
        ),
      };
    case 'run-end':
      return { ...state, now, status: event.status };
    case 'subtask-start':
      return update({ ...state, now }, event.subtask, (row) => ({
        ...row,
        persona: event.persona,
        state: 'running',
        startedAt: at,
      }));
    case 'model-call':
      return update({ ...state, now }, event.subtask, (row) => ({
        ...row,
        tokens: row.tokens + (event.usage.inputTokens ?? 0) + (event.usage.outputTokens ?? 0),
        costUsd: row.costUsd + (event.costUsd ?? 0),
      }));
    case 'model-retry':
      return update({ ...state, now }, event.subtask, (row) => ({
        ...row,
        retries: row.retries + 1,
      }));
    case 'tool-call':
      return update({ ...state, now }, event.subtask, (row) => ({
        ...row,
        toolCalls: row.toolCalls + 1,
      }));
    case 'subtask-end':
      return update({ ...state, now }, event.subtask, (row) => ({
        ...row,
        state: 'done',
        durationMs: event.durationMs,
        tokens: event.usage.inputTokens + event.usage.outputTokens,
      }));
    case 'subtask-fail':
      return update({ ...state, now }, event.subtask, (row) => ({
        ...row,
        state: 'failed',
        durationMs: event.durationMs,
      }));
    case 'subtask-skip':
      return update({ ...state, now }, event.subtask, (row) => ({ ...row, state: 'skipped' }));
    case 'subtask-pause':
    case 'decision-request':
      return update({ ...state, now }, event.subtask, (row) =>
        row.state === 'done' || row.state === 'failed' ? row : { ...row, state: 'waiting' },
      );
    default:
      return { ...state, now };
  }
}

function waiting(subtask: number): TaskRow {
  return { subtask, state: 'waiting', tokens: 0, retries: 0, toolCalls: 0, costUsd: 0 };
}

function update(
  state: TaskListState,
  subtask: number,
  change: (row: TaskRow) => TaskRow,
): TaskListState {
  const rows = state.rows.some((row) => row.subtask === subtask)
    ? state.rows
    : [...state.rows, waiting(subtask)];
  return { ...state, rows: rows.map((row) => (row.subtask === subtask ? change(row) : row)) };
}

const marks: Record<TaskState, string> = {
  waiting: '·',
  running: '▶',
  done: '✓',
  failed: '✗',
  skipped: '-',
};

export function renderTaskList(state: TaskListState): string {
  const elapsed = state.startedAt === undefined ? '' : ` · ${seconds(state.now - state.startedAt)}`;
  const header = `run ${state.runId ?? '…'}${state.chain ? ` · ${state.chain}` : ''}${elapsed}${
    state.status === 'running' ? '' : ` · ${state.status}`
  }`;
  const personaWidth = Math.max(7, ...state.rows.map((row) => (row.persona ?? '').length));
  const lines = state.rows.map((row) => {
    const cells = [
      `  ${marks[row.state]} ${String(row.subtask).padStart(2)}`,
      (row.persona ?? '—').padEnd(personaWidth),
      row.state.padEnd(7),
      rowElapsed(row, state.now).padStart(7),
      row.tokens > 0 ? `${row.tokens.toLocaleString('en-US')} tok`.padStart(11) : ''.padStart(11),
      counted(row.toolCalls, 'tool call'),
      counted(row.retries, 'retry', 'retries'),
    ];
    return cells.join('  ').trimEnd();
  });
  const tokens = state.rows.reduce((sum, row) => sum + row.tokens, 0);
  const cost = state.rows.reduce((sum, row) => sum + row.costUsd, 0);
  const footer = `  ${tokens.toLocaleString('en-US')} tokens${cost > 0 ? ` · $${cost.toFixed(4)}` : ''}`;
  return `${[header, ...lines, footer].join('\n')}\n`;
}

function rowElapsed(row: TaskRow, now: number): string {
  if (row.durationMs !== undefined) return seconds(row.durationMs);
  if (row.state === 'running' && row.startedAt !== undefined) return seconds(now - row.startedAt);
  return '';
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

function counted(count: number, one: string, many = `${one}s`): string {
  return count === 0 ? '' : `${count} ${count === 1 ? one : many}`;
}
