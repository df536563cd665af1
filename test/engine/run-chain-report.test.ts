import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ModelProvider,
  type PreparedChain,
  type RunChainOptions,
  runChain,
  WarroomError,
} from '../../src/index.js';
import {
  createWorkspace,
  goodReplies,
  prepareChain,
  readEvents,
  readJson,
  steppingClock,
  type Workspace,
} from './dag-chain.js';
import { createScriptedModel, type ScriptedModel, textResult } from './scripted-model.js';

let workspace: Workspace;
let prepared: PreparedChain;
beforeEach(async () => {
  workspace = await createWorkspace();
  prepared = await prepareChain(workspace.chainFile);
});
afterEach(() => workspace.remove());

function answering(usage = { inputTokens: 100, outputTokens: 20 }): ScriptedModel {
  return createScriptedModel('scripted', (call) =>
    textResult(goodReplies[call.subtask] ?? '', usage),
  );
}

function run(providers: Array<[string, ModelProvider]>, options: Partial<RunChainOptions> = {}) {
  return runChain({ prepared, providers: new Map(providers), home: workspace.home, ...options });
}

describe('runChain report', () => {
  it('puts run metrics under the `run` key of report.json', async () => {
    const model = answering();
    const clock = steppingClock('2025-03-01T12:00:00Z');
    const result = await run(
      [
        ['anthropic', model],
        ['openai', model],
      ],
      { clock },
    );
    const report = (await readJson(join(result.directory, 'report.json'))) as Record<
      string,
      unknown
    >;
    expect(report).toEqual(result.report);
    expect(report.run).toMatchObject({
      id: result.runId,
      chain: { id: 'dag', version: '1.0.0' },
      status: 'succeeded',
      started_at: '2025-03-01T12:00:00.000Z',
      model_calls: 4,
      repairs: 0,
      usage: { input_tokens: 400, output_tokens: 80 },
      subtasks: { '3': { model: 'openai/gpt-5', turns: 1 } },
    });
    expect(report.severity).toBe('SEV-2');
    expect(report.root_cause).toEqual({ primary: 'connection pool too small' });
  });

  it('produces equal report.json for the same work once `run` is removed', async () => {
    const first = answering({ inputTokens: 100, outputTokens: 20 });
    const second = answering({ inputTokens: 90, outputTokens: 33 });
    const a = await run(
      [
        ['anthropic', first],
        ['openai', first],
      ],
      {
        clock: steppingClock('2025-03-01T12:00:00Z', 700),
      },
    );
    const b = await run(
      [
        ['anthropic', second],
        ['openai', second],
      ],
      {
        clock: steppingClock('2026-07-04T08:30:00Z', 1300),
      },
    );
    const withoutRun = async (directory: string) => {
      const { run: metrics, ...rest } = (await readJson(join(directory, 'report.json'))) as Record<
        string,
        unknown
      >;
      expect(metrics).toBeDefined();
      return rest;
    };
    expect(a.directory).not.toBe(b.directory);
    expect(a.report?.run).not.toEqual(b.report?.run);
    expect(await withoutRun(a.directory)).toEqual(await withoutRun(b.directory));
  });

  it('takes every timestamp from the injected clock', async () => {
    const model = answering();
    const result = await run(
      [
        ['anthropic', model],
        ['openai', model],
      ],
      {
        clock: steppingClock('2001-02-03T04:05:06Z', 1),
      },
    );
    expect(result.runId).toMatch(/^20010203-040506-dag-[0-9a-f]{6}$/);
    const events = await readEvents(result.directory);
    for (const event of events) expect(event.at.startsWith('2001-02-03T04:05:06.')).toBe(true);
    expect(await readJson(join(result.directory, 'run.json'))).toMatchObject({
      started_at: '2001-02-03T04:05:06.000Z',
      finished_at: expect.stringMatching(/^2001-02-03T04:05:06\./),
    });
  });
});

describe('runChain run directory choice', () => {
  it('writes to `out` when given, and refuses an `out` holding another run', async () => {
    const model = answering();
    const out = join(workspace.root, 'incident-run');
    const first = await run(
      [
        ['anthropic', model],
        ['openai', model],
      ],
      { out },
    );
    expect(first.directory).toBe(out);
    const callsBefore = model.calls.length;
    const error = await run(
      [
        ['anthropic', model],
        ['openai', model],
      ],
      { out },
    ).catch((reason: unknown) => reason);
    expect(WarroomError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'USAGE', userError: true });
    expect((error as WarroomError).message).toContain('another run');
    expect(model.calls).toHaveLength(callsBefore);
  });

  it('refuses an `out` that is a file', async () => {
    const out = join(workspace.root, 'not-a-directory');
    await writeFile(out, 'x');
    const model = answering();
    await expect(
      run(
        [
          ['anthropic', model],
          ['openai', model],
        ],
        { out },
      ),
    ).rejects.toMatchObject({
      code: 'USAGE',
      userError: true,
    });
  });
});

describe('runChain model selection', () => {
  it('keeps the persona target identity under a playback provider (replay)', async () => {
    const replay = answering();
    const result = await run([['replay', replay]], { overrides: { provider: 'replay' } });
    expect(result.status).toBe('succeeded');
    expect((await replay.callFor(1)).target).toEqual({
      provider: 'anthropic',
      modelId: 'claude-sonnet-4-5',
    });
    expect((await replay.callFor(3)).target).toEqual({ provider: 'openai', modelId: 'gpt-5' });
    const starts = (await readEvents(result.directory)).filter(
      (event) => event.type === 'subtask-start',
    );
    expect(starts.map((event) => event.model)).toContain('openai/gpt-5');
  });

  it('makes a non-playback provider override the target provider', async () => {
    const local = answering();
    await run([['local', local]], { overrides: { provider: 'local' } });
    expect((await local.callFor(1)).target).toEqual({
      provider: 'local',
      modelId: 'claude-sonnet-4-5',
    });
    expect((await local.callFor(3)).target).toEqual({ provider: 'local', modelId: 'gpt-5' });
  });

  it('lets a model override replace every subtask model id', async () => {
    const model = answering();
    await run(
      [
        ['anthropic', model],
        ['openai', model],
      ],
      { overrides: { modelId: 'pinned-1' } },
    );
    expect(new Set(model.calls.map((call) => call.target.modelId))).toEqual(new Set(['pinned-1']));
  });

  it('fails on an unavailable provider before any model call or run directory', async () => {
    const model = answering();
    const error = await run([['anthropic', model]]).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ code: 'USAGE', userError: true, context: { subtask: 3 } });
    expect((error as WarroomError).message).toContain('"openai"');
    expect(model.calls).toEqual([]);
    await expect(readdir(workspace.home)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
