import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type PreparedChain,
  ProviderCallError,
  type RunChainOptions,
  type RunEvent,
} from '../../src/index.js';
import {
  createWorkspace,
  goodReplies,
  prepareChain,
  readEvents,
  readJson,
  runDag,
  type Workspace,
} from './dag-chain.js';
import {
  createScriptedModel,
  deferred,
  type Script,
  type ScriptedModel,
} from './scripted-model.js';

let workspace: Workspace;
let prepared: PreparedChain;
beforeEach(async () => {
  workspace = await createWorkspace();
  prepared = await prepareChain(workspace.chainFile);
});
afterEach(() => workspace.remove());

function run(model: ScriptedModel, options: Partial<RunChainOptions> = {}) {
  return runDag(prepared, workspace, model, options);
}

const answerAll: Script = (call) => goodReplies[call.subtask];

function indexOf(events: RunEvent[], type: RunEvent['type'], subtask?: number): number {
  return events.findIndex(
    (event) => event.type === type && (subtask === undefined || subtask === subtaskOf(event)),
  );
}

function subtaskOf(event: RunEvent): number | undefined {
  return 'subtask' in event ? event.subtask : undefined;
}

// A step barrier would make the barrier tests wait forever for a call; fail them fast instead.
const barrierTimeout = { timeout: 5_000 };

describe('runChain scheduling', () => {
  it('runs independent subtasks concurrently', async () => {
    const model = createScriptedModel('scripted');
    const running = run(model);
    // Both calls arrive while neither has been answered: they run side by side.
    const [triage, logs] = await Promise.all([model.callFor(1), model.callFor(2)]);
    expect(triage.isSettled() || logs.isSettled()).toBe(false);
    triage.reply(goodReplies[1] as string);
    logs.reply(goodReplies[2] as string);
    (await model.callFor(3)).reply(goodReplies[3] as string);
    (await model.callFor(4)).reply(goodReplies[4] as string);
    expect((await running).status).toBe('succeeded');
  });

  it(
    'starts a subtask as soon as its own dependencies finish, with no step barrier',
    barrierTimeout,
    async () => {
      const model = createScriptedModel('scripted', (call) =>
        call.subtask === 2 ? undefined : goodReplies[call.subtask],
      );
      const running = run(model);
      const logs = await model.callFor(2);
      // Subtask 3 needs only subtask 1; it must not wait for the slow subtask 2.
      await model.callFor(3);
      expect(logs.isSettled()).toBe(false);
      logs.reply(goodReplies[2] as string);
      const result = await running;
      expect(result.status).toBe('succeeded');
      const events = await readEvents(result.directory);
      expect(indexOf(events, 'subtask-start', 3)).toBeLessThan(indexOf(events, 'subtask-end', 2));
    },
  );

  it(
    'starts a subtask only after every one of its dependencies has finished',
    barrierTimeout,
    async () => {
      // Subtask 4 needs 2 and 3. Subtask 3 is held until 2 has ended, so 4 must still wait.
      const logsEnded = deferred<void>();
      const model = createScriptedModel('scripted', (call) =>
        call.subtask === 3 ? undefined : goodReplies[call.subtask],
      );
      const running = run(model, {
        onEvent: (event) => {
          if (event.type === 'subtask-end' && event.subtask === 2) logsEnded.resolve();
        },
      });
      const rootCause = await model.callFor(3);
      await logsEnded.promise;
      rootCause.reply(goodReplies[3] as string);
      const result = await running;
      expect(result.status).toBe('succeeded');
      const events = await readEvents(result.directory);
      const start = (subtask: number) => indexOf(events, 'subtask-start', subtask);
      const end = (subtask: number) => indexOf(events, 'subtask-end', subtask);
      expect(start(3)).toBeGreaterThan(end(1));
      expect(start(4)).toBeGreaterThan(end(2));
      expect(start(4)).toBeGreaterThan(end(3));
    },
  );

  it('never has more calls in flight than the concurrency option allows', async () => {
    const model = createScriptedModel('scripted');
    const running = run(model, { concurrency: 1 });
    const triage = await model.callFor(1);
    triage.reply(goodReplies[1] as string);
    // With one slot, subtask 2 may only be called once subtask 1 has been answered.
    const logs = await model.callFor(2);
    expect(triage.isSettled()).toBe(true);
    logs.reply(goodReplies[2] as string);
    (await model.callFor(3)).reply(goodReplies[3] as string);
    (await model.callFor(4)).reply(goodReplies[4] as string);
    expect((await running).status).toBe('succeeded');
  });

  it('renders dependency outputs into the dependent prompt', async () => {
    const model = createScriptedModel('scripted', answerAll);
    await run(model);
    const prompt = (await model.callFor(4)).options.messages[0];
    expect(prompt).toEqual({
      role: 'user',
      content: [
        expect.objectContaining({
          text: expect.stringContaining(
            'POSTMORTEM: cause connection pool too small; logs ## Findings\nPool exhausted at 14:02.',
          ),
        }),
      ],
    });
  });
});

describe('runChain run directory', () => {
  it('checkpoints each finished output as outputs/subtask-N.json or .md, with no temp files left', async () => {
    const seenAtEnd = new Map<number, string>();
    const model = createScriptedModel('scripted', answerAll);
    const result = await run(model, {
      onEvent: (event) => {
        // The output file is complete by the time subtask-end is observable.
        if (event.type === 'subtask-end') seenAtEnd.set(event.subtask, event.output);
      },
    });
    const outputs = join(result.directory, 'outputs');
    expect((await readdir(outputs)).sort()).toEqual([
      'subtask-1.json',
      'subtask-2.md',
      'subtask-3.json',
      'subtask-4.md',
    ]);
    expect(await readJson(join(outputs, 'subtask-1.json'))).toEqual({
      severity: 'SEV-2',
      summary: 'Checkout "p99" at 4s',
    });
    // A Markdown reply wrapped in one ```markdown fence is stored unwrapped.
    expect(await readFile(join(outputs, 'subtask-4.md'), 'utf8')).toBe(
      '# Post-mortem\n## Fix\n```java\npool.setMaximumPoolSize(20);\n```\n',
    );
    expect(seenAtEnd.get(3)).toBe(join('outputs', 'subtask-3.json'));
  });

  it('logs run-start, subtask-start, model-call, subtask-end, report-write and run-end in order', async () => {
    const observed: RunEvent[] = [];
    const model = createScriptedModel('scripted', answerAll);
    const result = await run(model, { onEvent: (event) => observed.push(event) });
    const events = await readEvents(result.directory);
    expect(observed).toEqual(events);
    expect(events[0]?.type).toBe('run-start');
    expect(events.at(-2)?.type).toBe('report-write');
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'succeeded' });
    for (const subtask of [1, 2, 3, 4]) {
      const start = indexOf(events, 'subtask-start', subtask);
      const call = indexOf(events, 'model-call', subtask);
      const end = indexOf(events, 'subtask-end', subtask);
      expect(start).toBeGreaterThan(0);
      expect(call).toBeGreaterThan(start);
      expect(end).toBeGreaterThan(call);
      expect(end).toBeLessThan(indexOf(events, 'report-write'));
    }
    const times = events.map((event) => Date.parse(event.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('records the run in run.json, chain.md and input.json', async () => {
    const model = createScriptedModel('scripted', answerAll);
    const result = await run(model);
    expect(await readJson(join(result.directory, 'run.json'))).toMatchObject({
      id: result.runId,
      status: 'succeeded',
      chain: { id: 'dag', version: '1.0.0' },
      started_at: '2025-03-01T12:00:00.000Z',
    });
    expect(await readFile(join(result.directory, 'chain.md'), 'utf8')).toBe(
      await readFile(workspace.chainFile, 'utf8'),
    );
    expect(await readJson(join(result.directory, 'input.json'))).toEqual({
      incident_id: 'INC-7',
      service: 'checkout',
    });
  });
});

describe('runChain failures', () => {
  const serverError = () =>
    new ProviderCallError({
      provider: 'anthropic',
      modelId: 'claude-sonnet-4-5',
      message: 'upstream 500',
      statusCode: 500,
      isRetryable: true,
      subtask: 1,
    });

  it('stops dependents of a failed subtask, reports the failure, and keeps finished outputs', async () => {
    const model = createScriptedModel('scripted', (call) => {
      if (call.subtask === 1) call.fail(serverError());
      return call.subtask === 1 ? undefined : goodReplies[call.subtask];
    });
    const result = await run(model);
    expect(result.status).toBe('failed');
    expect(result.failures).toEqual([
      { subtask: 1, code: 'PROVIDER_CALL', message: 'upstream 500 (gave up after 4 attempts)' },
    ]);
    expect(model.calls.map((call) => call.subtask).sort()).toEqual([1, 1, 1, 1, 2]);
    expect(await readdir(join(result.directory, 'outputs'))).toEqual(['subtask-2.md']);
    expect(await readdir(result.directory)).not.toContain('report.json');
    const events = await readEvents(result.directory);
    expect(events.find((event) => event.type === 'subtask-fail')).toMatchObject({
      subtask: 1,
      code: 'PROVIDER_CALL',
    });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'failed' });
    expect(await readJson(join(result.directory, 'run.json'))).toMatchObject({
      status: 'failed',
      failures: result.failures,
    });
  });

  it('rejects with an unexpected (non-warroom) error instead of leaking an unhandled rejection', async () => {
    const bug = new TypeError('adapter bug');
    const model = createScriptedModel('scripted', (call) => {
      if (call.subtask === 1) call.fail(bug);
      return call.subtask === 1 ? undefined : goodReplies[call.subtask];
    });
    await expect(run(model)).rejects.toBe(bug);
    const [runDirectory] = await readdir(join(workspace.home, 'runs'));
    const events = await readEvents(join(workspace.home, 'runs', runDirectory ?? ''));
    expect(events.find((event) => event.type === 'subtask-fail')).toMatchObject({ subtask: 1 });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'failed' });
    expect(model.calls.map((call) => call.subtask)).not.toContain(3);
  });

  it('stops the run when its signal aborts: in-flight calls end, nothing new starts', async () => {
    const controller = new AbortController();
    const model = createScriptedModel('scripted');
    const running = run(model, { signal: controller.signal });
    await Promise.all([model.callFor(1), model.callFor(2)]);
    controller.abort();
    const result = await running;
    expect(result.status).toBe('failed');
    expect(result.failures.map((failure) => failure.code)).toEqual(['ABORTED', 'ABORTED']);
    expect(model.calls).toHaveLength(2);
    const events = await readEvents(result.directory);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'failed' });
  });

  it('calls no model when the signal is already aborted', async () => {
    const model = createScriptedModel('scripted', answerAll);
    const result = await run(model, { signal: AbortSignal.abort() });
    expect(result.status).toBe('failed');
    expect(result.failures).toEqual([{ code: 'ABORTED', message: 'the run was cancelled' }]);
    expect(model.calls).toEqual([]);
  });
});
