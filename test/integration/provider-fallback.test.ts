/**
 * Provider fallback over the real wire: the official SDKs against the strict
 * loopback servers. Anthropic answers every call with 529 overloaded; a declared
 * OpenAI-compatible provider (`providers.local` in the config file) answers. The
 * run succeeds on the fallback, the circuit breaker then sends later subtasks
 * straight to it, the run log and the report name both models — and a bad request
 * does not fall back, and a fallback that fails too names both attempts.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import {
  createAnthropicProvider,
  createOpenAIProvider,
  type ModelProvider,
  type RunEvent,
  runChain,
} from '../../src/index.js';
import {
  createWorkspace,
  goodReplies,
  prepareChain,
  readEvents,
  steppingClock,
  type Workspace,
} from '../engine/dag-chain.js';
import {
  type WireReply as AnthropicReply,
  type AnthropicWireServer,
  startAnthropicWireServer,
} from '../support/anthropic-wire-server.js';
import { fakeSecrets } from '../support/fake-secrets.js';
import {
  type OpenAIWireServer,
  openAIErrors,
  startOpenAIWireServer,
  type WireRequest,
} from '../support/openai-wire-server.js';

const anthropicKey = fakeSecrets.anthropic('fallback');
const openaiKey = fakeSecrets.openai('fallback');
const localKey = fakeSecrets.openai('localLlm');

const overloaded: AnthropicReply = {
  type: 'error',
  status: 529,
  errorType: 'overloaded_error',
  message: 'Overloaded',
};

/** The DAG chain's subtask a Chat Completions request is for, from its prompt. */
function subtaskOf(request: WireRequest): number | undefined {
  const body = request.body as { messages?: Array<{ role: string; content: unknown }> };
  const user = body.messages?.find((message) => message.role === 'user');
  const text = typeof user?.content === 'string' ? user.content : JSON.stringify(user?.content);
  const prefixes: Array<[string, number]> = [
    ['TRIAGE', 1],
    ['LOGS', 2],
    ['ROOT CAUSE', 3],
    ['POSTMORTEM', 4],
  ];
  return prefixes.find(([prefix]) => text?.startsWith(prefix))?.[1];
}

/** An OpenAI-compatible server answering each DAG subtask well. */
function answeringServer(): Promise<OpenAIWireServer> {
  return startOpenAIWireServer({
    script: (request) => {
      const subtask = subtaskOf(request);
      return subtask === undefined
        ? openAIErrors.serverError(400)
        : { type: 'answer', answer: { text: goodReplies[subtask] as string } };
    },
  });
}

async function warroom(cwd: string, args: string[], env: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['node', 'warroom', ...args], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd,
    env: { PATH: process.env.PATH, ...env },
  });
  return { code, stdout, stderr };
}

const fallbacksOf = (events: RunEvent[]) =>
  events.filter(
    (event): event is Extract<RunEvent, { type: 'model-fallback' }> =>
      event.type === 'model-fallback',
  );

describe('run-chain with anthropic down and a declared OpenAI-compatible fallback', () => {
  let workspace: Workspace;
  let anthropic: AnthropicWireServer;
  let openai: OpenAIWireServer;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    workspace = await createWorkspace();
    anthropic = await startAnthropicWireServer(() => overloaded);
    openai = await answeringServer();
    env = {
      ANTHROPIC_API_KEY: anthropicKey,
      ANTHROPIC_BASE_URL: anthropic.url,
      OPENAI_API_KEY: openaiKey,
      OPENAI_BASE_URL: openai.baseURL,
      LOCAL_LLM_KEY: localKey,
      WARROOM_HOME: join(workspace.root, '.warroom'),
    };
    await writeFile(
      join(workspace.root, 'warroom.config.yaml'),
      [
        'providers:',
        '  anthropic:',
        '    breaker: { failures: 2, cooldownSeconds: 600 }',
        '    fallback: [local/qwen2.5-72b]',
        '  local:',
        '    kind: openai',
        `    baseUrl: ${openai.baseURL}`,
        '    apiKeyEnv: LOCAL_LLM_KEY',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await anthropic?.close();
    await openai?.close();
    await workspace?.remove();
  });

  it('succeeds on the fallback, and the open circuit sends later subtasks straight to it', async () => {
    const args = ['run-chain', '--chain', workspace.chainFile, '--max-attempts', '2'];
    const result = await warroom(
      workspace.root,
      [...args, '--concurrency', '1', '--out', 'runs/fallback'],
      env,
    );
    expect(result.stderr).not.toMatch(/^error:/m);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /⤳ subtask 1: anthropic\/claude-sonnet-4-5 failed \(.*529.*\); falling back to local\/qwen2\.5-72b/,
    );

    // Subtask 1 spent both attempts on anthropic; that opened its circuit (2 failures),
    // so subtasks 2 and 4 (also anthropic's) never reached the server.
    expect(anthropic.requests).toHaveLength(2);
    expect(anthropic.requests.every((request) => request.rejected === undefined)).toBe(true);

    const bodies = openai.bodies();
    expect(bodies.map((body) => body.model)).toEqual([
      'qwen2.5-72b',
      'qwen2.5-72b',
      'gpt-5',
      'qwen2.5-72b',
    ]);
    // The fallback got the very call anthropic was given: the same prompt, schema and stream.
    expect(bodies[0]).toMatchObject({
      model: 'qwen2.5-72b',
      stream: true,
      messages: [
        { role: 'system', content: expect.stringContaining('site reliability engineer') },
        { role: 'user', content: expect.stringContaining('TRIAGE INC-7 on checkout.') },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'subtask_1_output' } },
    });
    expect(anthropic.requests[0]?.body).toMatchObject({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: expect.anything() }],
    });
    // The declared provider sends the key from its own variable; openai keeps its own.
    const keys = openai.requests.map((request) => request.headers.authorization);
    expect(keys).toEqual([
      `Bearer ${localKey}`,
      `Bearer ${localKey}`,
      `Bearer ${openaiKey}`,
      `Bearer ${localKey}`,
    ]);

    const directory = join(workspace.root, 'runs/fallback');
    const fallbacks = fallbacksOf(await readEvents(directory));
    expect(fallbacks.map(({ subtask, from, to }) => ({ subtask, from, to }))).toEqual(
      [1, 2, 4].map((subtask) => ({
        subtask,
        from: 'anthropic/claude-sonnet-4-5',
        to: 'local/qwen2.5-72b',
      })),
    );
    expect(fallbacks[0]?.reason).toMatch(/529.*gave up after 2 attempts/);
    expect(fallbacks[1]?.reason).toContain('circuit open');

    const report = await readFile(join(directory, 'report.md'), 'utf8');
    const runSection = report.slice(report.indexOf('## Run'));
    expect(runSection).toContain('| 1 | anthropic/claude-sonnet-4-5 → local/qwen2.5-72b |');
    expect(runSection).toContain('| 3 | openai/gpt-5 |');
    // The fallback's key never reaches the run's files.
    expect(await readFile(join(directory, 'events.jsonl'), 'utf8')).not.toContain(localKey);
  });

  it('stops before any call when the fallback provider has no key (exit 2)', async () => {
    const before = { anthropic: anthropic.requests.length, openai: openai.requests.length };
    const { LOCAL_LLM_KEY: _unset, ...withoutKey } = env;
    const result = await warroom(
      workspace.root,
      ['run-chain', '--chain', workspace.chainFile, '--quiet'],
      withoutKey,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'fallback "local/qwen2.5-72b" (providers.anthropic.fallback in the config file) cannot run: local: LOCAL_LLM_KEY is not set (providers.local.apiKeyEnv in warroom.config.yaml)',
    );
    expect(anthropic.requests.length).toBe(before.anthropic);
    expect(openai.requests.length).toBe(before.openai);
  });
});

describe('config errors for providers and fallbacks', () => {
  let workspace: Workspace;

  beforeAll(async () => {
    workspace = await createWorkspace();
  });

  afterAll(async () => {
    await workspace?.remove();
  });

  const runWith = async (config: string[]) => {
    await writeFile(join(workspace.root, 'bad.config.yaml'), [...config, ''].join('\n'));
    return warroom(
      workspace.root,
      ['run-chain', '--chain', workspace.chainFile, '--config', 'bad.config.yaml', '--quiet'],
      {
        ANTHROPIC_API_KEY: anthropicKey,
        WARROOM_HOME: join(workspace.root, '.warroom'),
      },
    );
  };

  it.each([
    [
      'an unknown kind',
      ['providers:', '  local:', '    kind: azure', '    baseUrl: http://127.0.0.1:9/v1'],
      /bad\.config\.yaml:3: config field "providers\.local\.kind": /,
    ],
    [
      'a base URL without a kind',
      ['providers:', '  local:', '    baseUrl: http://127.0.0.1:9/v1'],
      /bad\.config\.yaml:3: config field "providers\.local\.baseUrl": needs `kind`/,
    ],
    [
      'an anthropic provider without a key variable',
      ['providers:', '  corp:', '    kind: anthropic', '    baseUrl: http://127.0.0.1:9'],
      /bad\.config\.yaml:2: config field "providers\.corp\.apiKeyEnv": an anthropic provider needs/,
    ],
    [
      'a fallback without its provider',
      ['providers:', '  anthropic:', '    fallback: [gpt-4.1]'],
      /bad\.config\.yaml:3: config field "providers\.anthropic\.fallback\.0": a fallback names provider and model/,
    ],
    [
      'redeclaring replay',
      ['providers:', '  replay:', '    kind: openai', '    baseUrl: http://127.0.0.1:9/v1'],
      /bad\.config\.yaml:3: config field "providers\.replay\.kind": "replay" is built in/,
    ],
  ])('rejects %s with one line naming file and field (exit 2)', async (_name, config, message) => {
    const result = await runWith(config);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('rejects a fallback to a provider nobody declared, before any call (exit 2)', async () => {
    const result = await runWith([
      'providers:',
      '  anthropic:',
      '    fallback: [locl/qwen2.5-72b]',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'fallback "locl/qwen2.5-72b" (providers.anthropic.fallback in the config file) needs provider "locl", which is not available (available: anthropic, openai, replay)',
    );
  });
});

describe('runChain over the wire: when not to fall back, and when everything fails', () => {
  let workspace: Workspace | undefined;
  const servers: Array<{ close(): Promise<void> }> = [];

  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    await workspace?.remove();
    workspace = undefined;
  });

  async function runDagOverWire(anthropicReply: AnthropicReply, openaiServer: OpenAIWireServer) {
    const anthropic = await startAnthropicWireServer(() => anthropicReply);
    servers.push(anthropic, openaiServer);
    workspace = await createWorkspace('model:\n  fallback: [local/qwen2.5-72b]\n');
    const providers = new Map<string, ModelProvider>([
      [
        'anthropic',
        createAnthropicProvider({ baseURL: anthropic.url, apiKey: anthropicKey, env: {} }),
      ],
      [
        'openai',
        createOpenAIProvider({ baseURL: openaiServer.baseURL, apiKey: openaiKey, env: {} }),
      ],
      [
        'local',
        createOpenAIProvider({
          id: 'local',
          baseURL: openaiServer.baseURL,
          apiKey: localKey,
          env: {},
        }),
      ],
    ]);
    const result = await runChain({
      prepared: await prepareChain(workspace.chainFile),
      providers,
      home: workspace.home,
      clock: steppingClock('2025-03-01T12:00:00Z'),
      sleep: async () => {},
      retryPolicy: { maxAttempts: 2 },
      concurrency: 1,
    });
    return { result, anthropic, events: await readEvents(result.directory) };
  }

  it('does not fall back on a 400: the same request would be wrong anywhere', async () => {
    const openai = await answeringServer();
    const { result, anthropic, events } = await runDagOverWire(
      {
        type: 'error',
        status: 400,
        errorType: 'invalid_request_error',
        message: 'messages: text content blocks must be non-empty',
      },
      openai,
    );
    expect(result.status).toBe('failed');
    expect(fallbacksOf(events)).toEqual([]);
    expect(openai.bodies().filter((body) => body.model === 'qwen2.5-72b')).toEqual([]);
    // Not retried either: one request per SRE subtask that started (1 and 2; 4 never runs).
    expect(anthropic.requests).toHaveLength(2);
    expect(result.failures[0]).toMatchObject({
      subtask: 1,
      message: expect.stringContaining('HTTP 400'),
    });
  });

  it('names both models when the fallback fails too', async () => {
    const openai = await startOpenAIWireServer({ script: () => openAIErrors.serverError(502) });
    const { result, events } = await runDagOverWire(overloaded, openai);
    expect(result.status).toBe('failed');
    expect(fallbacksOf(events).map((event) => event.subtask)).toEqual([1, 2]);
    const failure = result.failures.find((entry) => entry.subtask === 1);
    expect(failure?.code).toBe('PROVIDER_CALL');
    expect(failure?.message).toMatch(
      /^anthropic\/claude-sonnet-4-5 failed: .*HTTP 529.*\(gave up after 2 attempts\); its fallback local\/qwen2\.5-72b failed too: .*502.*\(gave up after 2 attempts\)$/,
    );
    // Two attempts each on the fallback for subtasks 1 and 2; 3 and 4 need 1's output.
    expect(openai.bodies().map((body) => body.model)).toEqual([
      'qwen2.5-72b',
      'qwen2.5-72b',
      'qwen2.5-72b',
      'qwen2.5-72b',
    ]);
  });
});
