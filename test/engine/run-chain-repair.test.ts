import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ModelProvider, type RunChainOptions, runChain } from '../../src/index.js';
import {
  createWorkspace,
  goodReplies,
  prepareChain,
  readEvents,
  readJson,
  type Workspace,
} from './dag-chain.js';
import { createScriptedModel, lastUserText, type ScriptedModel } from './scripted-model.js';

let workspace: Workspace | undefined;
afterEach(() => workspace?.remove());

async function run(
  model: ScriptedModel,
  options: Partial<RunChainOptions> = {},
  frontMatterExtra = '',
) {
  workspace = await createWorkspace(frontMatterExtra);
  const prepared = await prepareChain(workspace.chainFile);
  const providers = new Map<string, ModelProvider>([
    ['anthropic', model],
    ['openai', model],
  ]);
  return runChain({ prepared, providers, home: workspace.home, ...options });
}

const invalidTriage = '{"severity": "SEV-9", "summary": 3}';

/** Subtask 1 answers with `triage(turn)`; every other subtask answers well. */
function modelWithTriage(triage: (turn: number) => string): ScriptedModel {
  return createScriptedModel('scripted', (call) =>
    call.subtask === 1 ? triage(call.turn) : goodReplies[call.subtask],
  );
}

describe('runChain repair turns', () => {
  it('sends a schema-violating reply back once, listing the violation paths, and accepts a valid repair', async () => {
    const model = modelWithTriage((turn) => (turn === 1 ? invalidTriage : (goodReplies[1] ?? '')));
    const result = await run(model);
    expect(result.status).toBe('succeeded');

    const repair = await model.callFor(1, 2);
    expect(repair.options.callLabel).toEqual({ run: 'dag', subtask: 1, turn: 2 });
    const [prompt, previous, request] = repair.options.messages;
    expect(prompt?.role).toBe('user');
    expect(previous).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: invalidTriage }],
    });
    expect(request?.role).toBe('user');
    expect(lastUserText(repair)).toContain('$.severity: must be one of');
    expect(lastUserText(repair)).toContain('$.summary: must be string');

    const events = await readEvents(result.directory);
    const invalid = events.find((event) => event.type === 'output-invalid');
    expect(invalid).toMatchObject({ subtask: 1, turn: 1 });
    expect(await readJson(join(result.directory, 'outputs', 'subtask-1.json'))).toEqual(
      JSON.parse(goodReplies[1] ?? ''),
    );
    expect(result.report?.run).toMatchObject({ model_calls: 5, repairs: 1 });
  });

  it('fails the subtask with OUTPUT_INVALID once the repair attempts are used up', async () => {
    const model = modelWithTriage(() => invalidTriage);
    const result = await run(model);
    expect(result.status).toBe('failed');
    expect(model.calls.filter((call) => call.subtask === 1)).toHaveLength(2);
    const [failure] = result.failures;
    expect(failure).toMatchObject({ subtask: 1, code: 'OUTPUT_INVALID' });
    expect(failure?.message).toContain('$.severity');
    expect(model.calls.map((call) => call.subtask)).not.toContain(3);
  });

  it('makes repairAttempts + 1 calls in all', async () => {
    const model = modelWithTriage(() => invalidTriage);
    await run(model, { repairAttempts: 2 });
    expect(model.calls.filter((call) => call.subtask === 1).map((call) => call.turn)).toEqual([
      1, 2, 3,
    ]);
  });

  it('lets the chain front matter retries override the run default', async () => {
    const model = modelWithTriage(() => invalidTriage);
    await run(model, { repairAttempts: 3 }, 'retries: 0\n');
    expect(model.calls.filter((call) => call.subtask === 1)).toHaveLength(1);
  });

  it('treats an unparsable JSON reply as a `$` violation and repairs it', async () => {
    const model = modelWithTriage((turn) =>
      turn === 1 ? 'Sorry, no JSON' : (goodReplies[1] ?? ''),
    );
    const result = await run(model);
    expect(result.status).toBe('succeeded');
    expect(lastUserText(await model.callFor(1, 2))).toMatch(/^ {2}\$: /m);
  });
});

describe('runChain model calls', () => {
  it("sends the persona's system prompt, sampling settings and the subtask's response format", async () => {
    const model = createScriptedModel('scripted', (call) => goodReplies[call.subtask]);
    await run(model);
    const triage = await model.callFor(1);
    expect(triage.options.system).toBe('You are the site reliability engineer on call.');
    expect(triage.options.temperature).toBe(0.2);
    expect(triage.options.responseFormat).toMatchObject({
      type: 'json',
      name: 'subtask_1_output',
      schema: { required: ['severity', 'summary'] },
    });
    expect((await model.callFor(2)).options.responseFormat).toEqual({ type: 'text' });
    expect((await model.callFor(3)).options.system).toBe('You read telemetry for a living.');
  });
});
