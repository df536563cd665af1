/**
 * Provider fallback through a whole run of the DAG chain: where the fallback list
 * comes from (chain → persona → subtask front matter, else the provider's config),
 * what the run log and report say after a switch, that the primary's request is the
 * same with or without fallbacks, that playback keeps a fallback's identity, and that
 * a fallback that could not run fails before any call.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withProviderFallback } from '../../src/engine/model-selection.js';
import { canonicalRequest } from '../../src/fixture/canonical-request.js';
import {
  type ModelProvider,
  type RunChainResult,
  type RunEvent,
  runChain,
  WarroomError,
} from '../../src/index.js';
import { ProviderCallError } from '../../src/provider/errors.js';
import {
  createWorkspace,
  goodReplies,
  prepareChain,
  readEvents,
  readJson,
  steppingClock,
  type Workspace,
} from './dag-chain.js';
import { createScriptedModel, type ScriptedModel } from './scripted-model.js';

const overloaded = () =>
  new ProviderCallError({
    provider: 'anthropic',
    modelId: 'claude-sonnet-4-5',
    message: 'anthropic claude-sonnet-4-5: HTTP 529 overloaded_error: Overloaded',
    statusCode: 529,
    isRetryable: true,
  });

/** Answers every subtask well, from its number. */
const answering = (id: string) =>
  createScriptedModel(id, (call) => goodReplies[call.subtask] ?? 'unexpected');

/** Fails every call with a 529 (or answers the subtasks in `healthy`). */
const downFor = (id: string, healthy: number[] = []) =>
  createScriptedModel(id, (call) => {
    if (healthy.includes(call.subtask)) return goodReplies[call.subtask];
    call.fail(overloaded());
    return undefined;
  });

let workspace: Workspace | undefined;
afterEach(async () => {
  await workspace?.remove();
  workspace = undefined;
});

async function run(
  frontMatter: string,
  providers: Map<string, ModelProvider>,
  options: { provider?: string } = {},
): Promise<{ result: RunChainResult; events: RunEvent[] }> {
  workspace = await createWorkspace(frontMatter);
  const prepared = await prepareChain(workspace.chainFile);
  const result = await runChain({
    prepared,
    providers,
    home: workspace.home,
    clock: steppingClock('2025-03-01T12:00:00Z'),
    sleep: async () => {},
    retryPolicy: { maxAttempts: 2 },
    concurrency: 1,
    ...(options.provider ? { overrides: { provider: options.provider } } : {}),
  });
  return { result, events: await readEvents(result.directory) };
}

const fallbacks = (events: RunEvent[]) => events.filter((event) => event.type === 'model-fallback');

describe('a run whose primary provider is down', () => {
  it('falls back per the chain front matter, logs the switch and reports both models', async () => {
    const anthropic = downFor('anthropic');
    const openai = answering('openai');
    const { result, events } = await run(
      'model:\n  fallback: [openai/gpt-4.1]\n',
      new Map<string, ModelProvider>([
        ['anthropic', anthropic],
        ['openai', openai],
      ]),
    );
    expect(result.failures).toEqual([]);
    expect(result.status).toBe('succeeded');
    // Subtasks 1, 2, 4 are the SRE's (anthropic); 3 is the observer's, on openai already.
    expect(fallbacks(events)).toEqual(
      [1, 2, 4].map((subtask) => ({
        type: 'model-fallback',
        at: expect.any(String),
        subtask,
        turn: 1,
        from: 'anthropic/claude-sonnet-4-5',
        to: 'openai/gpt-4.1',
        reason:
          'anthropic claude-sonnet-4-5: HTTP 529 overloaded_error: Overloaded (gave up after 2 attempts)',
      })),
    );
    expect(anthropic.calls).toHaveLength(6);
    expect(openai.calls.map((call) => `${call.subtask}:${call.target.modelId}`)).toEqual([
      '1:gpt-4.1',
      '2:gpt-4.1',
      '3:gpt-5',
      '4:gpt-4.1',
    ]);
    // The calls are logged (and priced) as the model that answered.
    const calls = events.filter((event) => event.type === 'model-call');
    expect(calls.map((event) => event.model)).toEqual([
      'openai/gpt-4.1',
      'openai/gpt-4.1',
      'openai/gpt-5',
      'openai/gpt-4.1',
    ]);
    const report = (await readJson(join(result.directory, 'report.json'))) as {
      run: { subtasks: Record<string, { model: string; models?: string[]; cost_usd: unknown }> };
    };
    expect(report.run.subtasks['1']).toMatchObject({
      model: 'anthropic/claude-sonnet-4-5 → openai/gpt-4.1',
      models: ['anthropic/claude-sonnet-4-5', 'openai/gpt-4.1'],
      cost_usd: expect.any(Number),
    });
    expect(report.run.subtasks['3']?.model).toBe('openai/gpt-5');
    expect(report.run.subtasks['3']?.models).toBeUndefined();
    const markdown = (await import('node:fs/promises')).readFile(
      join(result.directory, 'report.md'),
      'utf8',
    );
    expect(await markdown).toContain('| 1 | anthropic/claude-sonnet-4-5 → openai/gpt-4.1 |');
  });

  it('keeps a repair turn on the fallback the subtask switched to', async () => {
    const anthropic = downFor('anthropic', [2, 4]);
    let triage = 0;
    const openai = createScriptedModel('openai', (call) =>
      call.subtask === 1 && triage++ === 0 ? '{"severity": "SEV-9"}' : goodReplies[call.subtask],
    );
    const { result, events } = await run(
      'model:\n  fallback: [openai/gpt-4.1]\n',
      new Map<string, ModelProvider>([
        ['anthropic', anthropic],
        ['openai', openai],
      ]),
    );
    expect(result.status).toBe('succeeded');
    expect(anthropic.calls.filter((call) => call.subtask === 1)).toHaveLength(2);
    expect(openai.calls.filter((call) => call.subtask === 1).map((call) => call.turn)).toEqual([
      1, 2,
    ]);
    expect(fallbacks(events).map((event) => event.subtask)).toEqual([1]);
  });

  it('lets the subtask front matter win over persona and chain, and [] turn fallback off', async () => {
    const { result, events } = await run(
      [
        'model:',
        '  fallback: [openai/gpt-4.1]',
        'subtasks:',
        '  2:',
        '    model:',
        '      fallback: [openai/gpt-4o]',
        '  4:',
        '    model:',
        '      fallback: []',
        '',
      ].join('\n'),
      new Map<string, ModelProvider>([
        ['anthropic', downFor('anthropic')],
        ['openai', answering('openai')],
      ]),
    );
    expect(fallbacks(events).map((event) => `${event.subtask}→${event.to}`)).toEqual([
      '1→openai/gpt-4.1',
      '2→openai/gpt-4o',
    ]);
    expect(result.failures).toEqual([
      expect.objectContaining({ subtask: 4, code: 'PROVIDER_CALL' }),
    ]);
  });

  it("uses the target provider's configured fallback when the front matter names none", async () => {
    const openai = answering('openai');
    const { result, events } = await run(
      '',
      new Map<string, ModelProvider>([
        ['anthropic', withProviderFallback(downFor('anthropic'), ['local/qwen2.5-72b'])],
        ['openai', openai],
        ['local', answering('local')],
      ]),
    );
    expect(result.status).toBe('succeeded');
    expect(fallbacks(events).map((event) => event.to)).toEqual([
      'local/qwen2.5-72b',
      'local/qwen2.5-72b',
      'local/qwen2.5-72b',
    ]);
  });

  it('does not fall back on a bad request', async () => {
    const openai = answering('openai');
    const badRequest = createScriptedModel('anthropic', (call) => {
      call.fail(
        new ProviderCallError({
          provider: 'anthropic',
          modelId: 'claude-sonnet-4-5',
          message: 'anthropic claude-sonnet-4-5: HTTP 400 invalid_request_error: bad',
          statusCode: 400,
          isRetryable: false,
        }),
      );
      return undefined;
    });
    const { result, events } = await run(
      'model:\n  fallback: [openai/gpt-4.1]\n',
      new Map<string, ModelProvider>([
        ['anthropic', badRequest],
        ['openai', openai],
      ]),
    );
    expect(result.status).toBe('failed');
    expect(fallbacks(events)).toEqual([]);
    expect(openai.calls.filter((call) => call.target.modelId === 'gpt-4.1')).toEqual([]);
    expect(result.failures[0]?.message).toContain('HTTP 400');
  });
});

describe('the primary request with fallbacks configured', () => {
  it('is the same request (and fixture key) as without them', async () => {
    const requests: string[] = [];
    for (const frontMatter of ['', 'model:\n  fallback: [openai/gpt-4.1]\n']) {
      const anthropic = answering('anthropic');
      await run(
        frontMatter,
        new Map<string, ModelProvider>([
          ['anthropic', anthropic],
          ['openai', answering('openai')],
        ]),
      );
      const first = anthropic.calls.find((call) => call.subtask === 1) as ScriptedModel['calls'][0];
      requests.push(JSON.stringify(canonicalRequest(first.target, first.options)));
      await workspace?.remove();
      workspace = undefined;
    }
    expect(requests[1]).toBe(requests[0]);
  });
});

describe('fallback under playback', () => {
  it('plays back what the fallback model said: its target keeps its identity', async () => {
    const replay = createScriptedModel('replay', (call) => {
      if (call.target.provider === 'anthropic') {
        call.fail(new WarroomError({ code: 'FIXTURE_MISS', message: 'No recorded model call' }));
        return undefined;
      }
      return goodReplies[call.subtask];
    });
    const { result, events } = await run(
      'model:\n  fallback: [openai/gpt-4.1]\n',
      new Map<string, ModelProvider>([['replay', replay]]),
      { provider: 'replay' },
    );
    expect(result.status).toBe('succeeded');
    expect(fallbacks(events).map((event) => event.to)).toEqual([
      'openai/gpt-4.1',
      'openai/gpt-4.1',
      'openai/gpt-4.1',
    ]);
    expect(
      replay.calls
        .filter((call) => call.subtask === 1)
        .map((call) => `${call.target.provider}/${call.target.modelId}`),
    ).toEqual(['anthropic/claude-sonnet-4-5', 'openai/gpt-4.1']);
  });
});

describe('pre-flight of fallbacks', () => {
  it('refuses a fallback whose provider is not available, before any call', async () => {
    const anthropic = answering('anthropic');
    const failure = await run(
      'model:\n  fallback: [locl/qwen2.5-72b]\n',
      new Map<string, ModelProvider>([
        ['anthropic', anthropic],
        ['openai', answering('openai')],
      ]),
    ).catch((error: unknown) => error);
    expect(WarroomError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ code: 'USAGE', userError: true });
    expect((failure as Error).message).toMatch(
      /^subtask 1: fallback "locl\/qwen2.5-72b" \(model.fallback in .*dag\.md\) needs provider "locl", which is not available \(available: anthropic, openai\)/,
    );
    expect(anthropic.calls).toHaveLength(0);
  });

  it('refuses a fallback whose provider has no key, before any call', async () => {
    const anthropic = answering('anthropic');
    const keyless: ModelProvider = {
      ...answering('local'),
      checkConfiguration: () => ({ ok: false, message: 'LOCAL_KEY is not set' }),
    };
    const failure = await run(
      '',
      new Map<string, ModelProvider>([
        ['anthropic', withProviderFallback(anthropic, ['local/qwen2.5-72b'])],
        ['openai', answering('openai')],
        ['local', keyless],
      ]),
    ).catch((error: unknown) => error);
    expect((failure as Error).message).toBe(
      'subtask 1: fallback "local/qwen2.5-72b" (providers.anthropic.fallback in the config file) cannot run: local: LOCAL_KEY is not set',
    );
    expect(anthropic.calls).toHaveLength(0);
  });
});
