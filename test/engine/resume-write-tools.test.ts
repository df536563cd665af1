/**
 * A write tool that was running when the process died has an unknown outcome. On
 * resume its subtask starts over, but that write is not run again unless the
 * operator approves the tool again; an interactive "yes" is not enough.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findInDoubtWrites, inputHash } from '../../src/engine/write-journal.js';
import {
  type PreparedChain,
  type RunEvent,
  readRunLog,
  resumeRun,
  runChain,
  type Tool,
  ToolRegistry,
} from '../../src/index.js';
import { prepareMinimalChain, restartServiceTool } from './minimal-project.js';
import {
  createScriptedModel,
  lastUserText,
  type ScriptedModel,
  textResult,
  toolCallResult,
} from './scripted-model.js';

const runs = { restart: 0 };
const tools: Tool[] = [
  restartServiceTool(() => {
    runs.restart++;
  }),
];

/** Restarts checkout-api on turn 1, answers on turn 2; subtask 2 writes the post-mortem. */
function incidentModel(): ScriptedModel {
  return createScriptedModel('anthropic', (call) => {
    if (call.subtask === 2) return '# Post-mortem\n\nRestarted checkout-api.';
    if (call.turn === 1)
      return toolCallResult(['restart_service', { service: 'checkout-api' }, 'call_1']);
    return textResult('{"severity": "SEV-2", "summary": "pool exhausted"}');
  });
}

let prepared: PreparedChain;

beforeAll(async () => {
  ({ prepared } = await prepareMinimalChain(tools, ['restart_service']));
});

/**
 * A run whose process "died" while restart_service ran: its directory as a real run
 * wrote it, cut after the `tool-call-start` (nothing later reached the disk).
 */
async function crashedDuringWrite(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'warroom-home-'));
  const result = await runChain({
    prepared,
    providers: new Map([['anthropic', incidentModel()]]),
    home,
    tools: new ToolRegistry(tools),
    approvals: new Set(['restart_service']),
  });
  expect(result.status).toBe('succeeded');
  const file = join(result.directory, 'events.jsonl');
  const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
  const cut = lines.findIndex((line) => line.includes('"type":"tool-call-start"'));
  expect(cut).toBeGreaterThan(0);
  await writeFile(file, `${lines.slice(0, cut + 1).join('\n')}\n`);
  for (const name of await readdir(join(result.directory, 'outputs')))
    await rm(join(result.directory, 'outputs', name));
  for (const name of ['report.json', 'report.md', 'audit.jsonl'])
    await rm(join(result.directory, name), { force: true });
  const record = JSON.parse(await readFile(join(result.directory, 'run.json'), 'utf8'));
  await writeFile(
    join(result.directory, 'run.json'),
    JSON.stringify({ ...record, status: 'running', finished_at: undefined }),
  );
  return result.directory;
}

async function events(directory: string): Promise<RunEvent[]> {
  const text = await readFile(join(directory, 'events.jsonl'), 'utf8');
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as RunEvent);
}

describe('a write tool interrupted by a crash', () => {
  it('logs tool-call-start with the input hash before the write runs, and its result after', async () => {
    runs.restart = 0;
    const directory = await crashedDuringWrite();
    const [start] = (await events(directory)).filter((event) => event.type === 'tool-call-start');
    expect(start).toMatchObject({
      subtask: 1,
      turn: 1,
      toolCallId: 'call_1',
      tool: 'restart_service',
      inputHash: inputHash({ service: 'checkout-api' }),
    });
  });

  it('is not run again on resume without approval: the model is told its outcome is unknown', async () => {
    runs.restart = 0;
    const directory = await crashedDuringWrite();
    expect(runs.restart).toBe(1);
    const model = incidentModel();
    let asked = 0;
    const result = await resumeRun({
      directory,
      home: join(directory, '..'),
      providers: new Map([['anthropic', model]]),
      tools: new ToolRegistry(tools),
      // A terminal "yes" does not unlock a write in doubt; only --approve on resume does.
      confirm: async () => {
        asked++;
        return true;
      },
    });
    expect(result.status).toBe('succeeded');
    expect(runs.restart).toBe(1);
    expect(asked).toBe(0);
    // The unfinished subtask started over: its model was called again from turn 1.
    expect(model.calls.map((call) => [call.subtask, call.turn])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
    ]);
    const toolResult = JSON.stringify(model.calls[1]?.options.messages.at(-1));
    expect(toolResult).toContain('the outcome of that attempt is unknown');
    expect(toolResult).toContain('An operator must check');
    expect(toolResult).toContain('--approve restart_service');
    const postmortem = model.calls[2];
    expect(postmortem && lastUserText(postmortem)).toContain('Severity was SEV-2');
    const logged = await events(directory);
    expect(logged.find((event) => event.type === 'run-resume')).toMatchObject({
      inDoubt: [{ subtask: 1, tool: 'restart_service', toolCallId: 'call_1' }],
    });
    expect(logged.filter((event) => event.type === 'tool-call').at(-1)).toMatchObject({
      tool: 'restart_service',
      status: 'refused',
    });
    const audit = await readFile(join(directory, 'audit.jsonl'), 'utf8');
    expect(JSON.parse(audit.trim())).toMatchObject({ tool: 'restart_service', status: 'refused' });
  });

  it('runs again when the operator approves the tool again on resume', async () => {
    runs.restart = 0;
    const directory = await crashedDuringWrite();
    const result = await resumeRun({
      directory,
      home: join(directory, '..'),
      providers: new Map([['anthropic', incidentModel()]]),
      tools: new ToolRegistry(tools),
      approvals: new Set(['restart_service']),
    });
    expect(result.status).toBe('succeeded');
    expect(runs.restart).toBe(2);
    // The approved re-run finished, so the write is no longer in doubt.
    const starts = (await events(directory)).filter((event) => event.type === 'tool-call-start');
    expect(starts).toHaveLength(2);
    expect(findInDoubtWrites(await readRunLog(directory), new Set())).toEqual([]);
  });
});
