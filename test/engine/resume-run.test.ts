/**
 * Resuming a run from its directory: finished subtasks are restored (no model
 * call), the rest run, and the report is the one a straight run writes; a
 * half-written last log line is tolerated, a damaged earlier one is not.
 */
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type PreparedChain,
  type ResumeRunOptions,
  type RunChainOptions,
  readRunLog,
  resumeRun,
  WarroomError,
} from '../../src/index.js';
import {
  createWorkspace,
  goodReplies,
  prepareChain,
  readEvents,
  readJson,
  runDag,
  scriptedProviders,
  steppingClock,
  type Workspace,
} from './dag-chain.js';
import { createScriptedModel, type Script, type ScriptedModel } from './scripted-model.js';

let workspace: Workspace;
let prepared: PreparedChain;
beforeEach(async () => {
  workspace = await createWorkspace();
  prepared = await prepareChain(workspace.chainFile);
});
afterEach(() => workspace.remove());

const answerAll: Script = (call) => goodReplies[call.subtask];

function run(model: ScriptedModel, options: Partial<RunChainOptions> = {}) {
  return runDag(prepared, workspace, model, options);
}

function resume(model: ScriptedModel, directory: string, options: Partial<ResumeRunOptions> = {}) {
  return resumeRun({
    directory,
    providers: scriptedProviders(model),
    home: workspace.home,
    clock: steppingClock('2025-03-01T13:00:00Z'),
    sleep: async () => {},
    ...options,
  });
}

/** A run cancelled while subtask 3 was in flight: 1 and 2 are done, 3 and 4 are not. */
async function interruptedRun(): Promise<string> {
  const controller = new AbortController();
  const model = createScriptedModel('scripted', (call) =>
    call.subtask === 3 ? undefined : goodReplies[call.subtask],
  );
  const running = run(model, { signal: controller.signal });
  await model.callFor(3);
  controller.abort();
  const result = await running;
  expect(result.status).toBe('failed');
  return result.directory;
}

async function straightReport(): Promise<unknown> {
  const result = await run(createScriptedModel('scripted', answerAll));
  return withoutRun(await readJson(join(result.directory, 'report.json')));
}

function withoutRun(report: unknown): unknown {
  const { run: _run, ...rest } = report as Record<string, unknown>;
  return rest;
}

describe('resumeRun', () => {
  it('runs only the subtasks that were not done, and writes the report a straight run writes', async () => {
    const directory = await interruptedRun();
    const before = await readEvents(directory);
    const model = createScriptedModel('scripted', answerAll);
    const result = await resume(model, directory);
    expect(result.status).toBe('succeeded');
    expect(result.restored).toEqual([1, 2]);
    expect(model.calls.map((call) => call.subtask)).toEqual([3, 4]);
    expect(result.runId).toBe(before[0]?.type === 'run-start' ? before[0].runId : undefined);
    expect(withoutRun(await readJson(join(directory, 'report.json')))).toEqual(
      await straightReport(),
    );
    const events = await readEvents(directory);
    // Appended, never rewritten: the first process's events come first, unchanged.
    expect(events.slice(0, before.length)).toEqual(before);
    expect(events[before.length]).toMatchObject({ type: 'run-resume', done: [1, 2] });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'succeeded' });
    expect(await readJson(join(directory, 'run.json'))).toMatchObject({
      id: result.runId,
      status: 'succeeded',
      started_at: '2025-03-01T12:00:00.000Z',
      pid: process.pid,
    });
  });

  it('resumes from the definitions copied at run start, not the files as they are now', async () => {
    const directory = await interruptedRun();
    // The project moves on: the root-cause schema now demands a field the reply lacks, a persona is gone.
    await writeFile(
      join(workspace.root, 'schemas', 'dag.root-cause.schema.json'),
      JSON.stringify({ type: 'object', required: ['owner'] }),
    );
    await rm(join(workspace.root, 'personas', 'observer.md'));
    const result = await resume(createScriptedModel('scripted', answerAll), directory);
    expect(result.status).toBe('succeeded');
    expect(await readJson(join(directory, 'definitions', 'manifest.json'))).toMatchObject({
      format: 'warroom-definitions/v1',
      chain: 'chains/dag.md',
      personasDir: 'personas',
    });
  });

  it('tolerates a truncated last line of events.jsonl: a warning naming file:line, then a clean log', async () => {
    const directory = await interruptedRun();
    const lines = (await readFile(join(directory, 'events.jsonl'), 'utf8')).split('\n').length;
    await appendFile(join(directory, 'events.jsonl'), '{"type":"subtask-start","at":"2025-03');
    const warnings: string[] = [];
    const result = await resume(createScriptedModel('scripted', answerAll), directory, {
      onWarning: (message) => warnings.push(message),
    });
    expect(result.status).toBe('succeeded');
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(`^${directory}/events\\.jsonl:${lines}: skipped a truncated last line`),
      ),
    ]);
    const text = await readFile(join(directory, 'events.jsonl'), 'utf8');
    const rows = text.split('\n');
    expect(rows[lines - 1]).toBe('{"type":"subtask-start","at":"2025-03');
    expect(JSON.parse(rows[lines] ?? '')).toMatchObject({
      type: 'run-resume',
      repairedLine: lines,
    });
    // The skipped line is on record: later readers pass over it without a warning or an error.
    const reread = await readRunLog(directory);
    expect(reread.warnings).toEqual([]);
    const again = await resume(createScriptedModel('scripted', answerAll), directory);
    expect(again.status).toBe('succeeded');
  });

  it('refuses a log corrupted before its last line, naming file:line, and calls no model', async () => {
    const directory = await interruptedRun();
    const file = join(directory, 'events.jsonl');
    const rows = (await readFile(file, 'utf8')).split('\n');
    rows[2] = '{"type":"model-call","at":';
    await writeFile(file, rows.join('\n'));
    const model = createScriptedModel('scripted', answerAll);
    const error = await resume(model, directory).catch((caught: unknown) => caught);
    expect(WarroomError.isInstance(error)).toBe(true);
    expect((error as WarroomError).located).toMatch(
      new RegExp(`^${file}:3: the run log is corrupted`),
    );
    expect(model.calls).toEqual([]);
  });

  it('refuses a run whose recorded process is still alive', async () => {
    const directory = await interruptedRun();
    const record = (await readJson(join(directory, 'run.json'))) as Record<string, unknown>;
    await writeFile(
      join(directory, 'run.json'),
      JSON.stringify({ ...record, status: 'running', pid: process.ppid }),
    );
    await expect(resume(createScriptedModel('scripted', answerAll), directory)).rejects.toThrow(
      `still running (pid ${process.ppid})`,
    );
  });

  it('finds a run by id under <home>/runs', async () => {
    const directory = await interruptedRun();
    const runId = directory.split('/').at(-1) ?? '';
    const result = await resumeRun({
      runId,
      home: workspace.home,
      providers: scriptedProviders(createScriptedModel('scripted', answerAll)),
    });
    expect(result.directory).toBe(directory);
    expect(result.status).toBe('succeeded');
  });
});

describe('run budgets', () => {
  it('stops a run over --max-tokens: running subtasks abort, nothing new starts, status stopped with the reason', async () => {
    // Every scripted call spends 120 tokens; the second one crosses 150.
    const model = createScriptedModel('scripted', answerAll);
    const result = await run(model, { budget: { maxTokens: 150 } });
    expect(result.status).toBe('stopped');
    expect(result.failures).toEqual([]);
    expect(result.stop).toMatchObject({ limit: 'max-tokens', budget: 150, used: 240 });
    expect(model.calls.map((call) => call.subtask).sort()).toEqual([1, 2]);
    expect(await readJson(join(result.directory, 'run.json'))).toMatchObject({
      status: 'stopped',
      stop: { limit: 'max-tokens', reason: expect.stringContaining('--max-tokens 150 exceeded') },
    });
    expect((await readEvents(result.directory)).at(-1)).toMatchObject({
      type: 'run-end',
      status: 'stopped',
      reason: expect.stringContaining('--max-tokens 150 exceeded'),
    });
  });

  it('aborts a subtask still waiting on its model when the budget runs out', async () => {
    // Subtask 2 is held; subtask 1's answer spends the budget, so 2 is aborted mid-call.
    const model = createScriptedModel('scripted', (call) =>
      call.subtask === 2 ? undefined : goodReplies[call.subtask],
    );
    const result = await run(model, { budget: { maxTokens: 100 } });
    expect(result.status).toBe('stopped');
    const held = await model.callFor(2);
    expect(held.isSettled()).toBe(true);
    expect(model.calls.map((call) => call.subtask)).not.toContain(3);
  });

  it('counts the budget over the whole run: the same budget stops a resume at once, a higher one finishes it', async () => {
    const first = await run(createScriptedModel('scripted', answerAll), {
      budget: { maxTokens: 150 },
    });
    expect(first.status).toBe('stopped');
    const same = createScriptedModel('scripted', answerAll);
    const again = await resume(same, first.directory);
    expect(again.status).toBe('stopped');
    expect(same.calls).toEqual([]);
    const higher = createScriptedModel('scripted', answerAll);
    const finished = await resume(higher, first.directory, { budget: { maxTokens: 10_000 } });
    expect(finished.status).toBe('succeeded');
    expect(higher.calls.map((call) => call.subtask)).toEqual([3, 4]);
    expect(withoutRun(await readJson(join(first.directory, 'report.json')))).toEqual(
      await straightReport(),
    );
  });
});
