import { describe, expect, it } from 'vitest';
import {
  type AgentEvent,
  createLiveToolSession,
  createSchemaValidator,
  type JsonSchema,
  type LiveToolSessionOptions,
  type Message,
  runSubtask,
  type SubtaskCall,
  SubtaskLimitError,
  WarroomError,
} from '../../src/index.js';
import type { Tool } from '../../src/tools/index.js';
import {
  createScriptedModel,
  lastUserText,
  type Script,
  type ScriptedCall,
  textResult,
} from '../engine/scripted-model.js';
import { incidentTools, toolCallReply } from './incident-tools.js';

const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['severity'],
  properties: { severity: { type: 'string', enum: ['SEV-1', 'SEV-2'] } },
};

const answer = '{"severity": "SEV-1"}';

type SessionOptions = Partial<Pick<LiveToolSessionOptions, 'allowed' | 'approvals' | 'confirm'>>;

function setup(script: Script, session: SessionOptions = {}, overrides: Partial<SubtaskCall> = {}) {
  const tools = incidentTools();
  const provider = createScriptedModel('scripted', script);
  const events: AgentEvent[] = [];
  const subtaskCall: SubtaskCall = {
    run: 'incident-response',
    subtask: 2,
    model: provider.languageModel({ provider: 'anthropic', modelId: 'claude-sonnet-4-5' }),
    system: 'You are the SRE.',
    prompt: 'Triage INC-1.',
    output: { kind: 'json', schema },
    responseFormat: { type: 'json' },
    sampling: { temperature: 0 },
    repairAttempts: 1,
    validator: createSchemaValidator(),
    tools: createLiveToolSession({
      registry: tools.registry,
      allowed: session.allowed ?? ['lookup_metric', 'restart_service', 'flaky_probe'],
      approvals: session.approvals ?? new Set(),
      ...(session.confirm ? { confirm: session.confirm } : {}),
      context: { run: 'incident-response', subtask: 2 },
    }),
    onEvent: (event) => {
      events.push(event);
    },
    ...overrides,
  };
  return { tools, provider, events, run: () => runSubtask(subtaskCall) };
}

/** Turn 1 makes the given calls; every later turn gives the final answer. */
function callsThenAnswer(calls: Array<[string, string, string]>): Script {
  return (made) => (made.turn === 1 ? toolCallReply(calls) : answer);
}

function toolMessage(call: ScriptedCall | undefined): Extract<Message, { role: 'tool' }> {
  const message = call?.options.messages.find((item) => item.role === 'tool');
  if (message?.role !== 'tool') throw new Error('the call holds no tool message');
  return message;
}

function toolEvents(events: AgentEvent[]) {
  return events.filter((event) => event.type === 'tool-call');
}

describe('runSubtask with tools', () => {
  it('runs a tool call and sends its result, wrapped as data, with the next request', async () => {
    const { provider, tools, events, run } = setup(
      callsThenAnswer([['call_1', 'lookup_metric', '{"metric": "checkout_p99"}']]),
    );
    const result = await run();
    expect(result).toMatchObject({ output: { severity: 'SEV-1' }, turns: 2 });
    expect(tools.lookups).toEqual([{ metric: 'checkout_p99' }]);
    const [first, second] = provider.calls;
    expect(first?.options.tools?.map((tool) => tool.name)).toEqual([
      'lookup_metric',
      'restart_service',
      'flaky_probe',
    ]);
    expect(first?.options.toolChoice).toEqual({ type: 'auto' });
    expect(first?.options.messages).toHaveLength(1);
    expect(second?.options.callLabel).toEqual({ run: 'incident-response', subtask: 2, turn: 2 });
    expect(second?.options.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Triage INC-1.' }] },
      {
        role: 'assistant',
        content: [
          {
            type: 'tool-call',
            toolCallId: 'call_1',
            toolName: 'lookup_metric',
            input: '{"metric": "checkout_p99"}',
          },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_1',
            toolName: 'lookup_metric',
            output: {
              tool: 'lookup_metric',
              status: 'ok',
              data: { metric: 'checkout_p99', p99Ms: 4000 },
            },
          },
        ],
      },
    ]);
    expect(events.map((event) => `${event.type}:${event.turn}`)).toEqual([
      'model-call:1',
      'tool-call:1',
      'model-call:2',
    ]);
    expect(toolEvents(events)[0]).toMatchObject({
      subtask: 2,
      toolName: 'lookup_metric',
      toolCallId: 'call_1',
      input: '{"metric": "checkout_p99"}',
      status: 'ok',
      effect: 'read',
    });
  });

  it('runs several calls of one reply in order and answers them in one tool message', async () => {
    const { provider, tools, run } = setup((made) =>
      made.turn === 1
        ? toolCallReply(
            [
              ['call_1', 'lookup_metric', '{"metric": "checkout_p99"}'],
              ['call_2', 'lookup_metric', '{"metric": "error_rate"}'],
            ],
            { text: 'Checking two metrics.' },
          )
        : answer,
    );
    await run();
    expect(tools.lookups).toEqual([{ metric: 'checkout_p99' }, { metric: 'error_rate' }]);
    const second = provider.calls[1];
    expect(second?.options.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'tool',
    ]);
    expect(second?.options.messages[1]?.content).toMatchObject([
      { type: 'text', text: 'Checking two metrics.' },
      { toolCallId: 'call_1' },
      { toolCallId: 'call_2' },
    ]);
    expect(toolMessage(second).content.map((part) => part.toolCallId)).toEqual([
      'call_1',
      'call_2',
    ]);
  });

  it('refuses a tool that is not on the persona allowlist, tells the model why, never runs it', async () => {
    const { provider, tools, events, run } = setup(
      callsThenAnswer([['call_1', 'restart_service', '{"service": "checkout"}']]),
      { allowed: ['lookup_metric'], approvals: new Set(['restart_service']) },
    );
    await run();
    expect(provider.calls[0]?.options.tools?.map((tool) => tool.name)).toEqual(['lookup_metric']);
    expect(tools.restarts).toEqual([]);
    const [result] = toolMessage(provider.calls[1]).content;
    expect(result).toMatchObject({ isError: true, output: { tool: 'restart_service' } });
    expect(result?.output).toEqual({
      tool: 'restart_service',
      status: 'refused',
      error:
        'tool "restart_service" is not available to this persona; the tools available are: lookup_metric',
    });
    expect(toolEvents(events)[0]).toMatchObject({ status: 'refused' });
  });

  it('refuses an unapproved write tool with the --approve hint and does not run it', async () => {
    const { provider, tools, events, run } = setup(
      callsThenAnswer([['call_1', 'restart_service', '{"service": "checkout"}']]),
    );
    await run();
    expect(tools.restarts).toEqual([]);
    const [result] = toolMessage(provider.calls[1]).content;
    expect(result?.output).toMatchObject({
      status: 'refused',
      error: 'write tool restart_service needs approval: rerun with --approve restart_service',
    });
    expect(toolEvents(events)[0]).toMatchObject({
      status: 'refused',
      effect: 'write',
      reason: 'write tool restart_service needs approval: rerun with --approve restart_service',
    });
  });

  it('runs an approved write tool exactly once', async () => {
    const { provider, tools, events, run } = setup(
      callsThenAnswer([['call_1', 'restart_service', '{"service": "checkout"}']]),
      { approvals: new Set(['restart_service']) },
    );
    await run();
    expect(tools.restarts).toEqual([{ service: 'checkout' }]);
    expect(toolMessage(provider.calls[1]).content[0]?.output).toEqual({
      tool: 'restart_service',
      status: 'ok',
      data: { restarted: 'checkout' },
    });
    expect(toolEvents(events)[0]).toMatchObject({ status: 'ok', effect: 'write' });
  });

  it('asks confirm for an unapproved write tool and runs it only when confirmed', async () => {
    for (const confirmed of [true, false]) {
      const asked: Array<[string, unknown]> = [];
      const confirm = async (tool: Tool, input: unknown) => {
        asked.push([tool.name, input]);
        return confirmed;
      };
      const { provider, tools, run } = setup(
        callsThenAnswer([['call_1', 'restart_service', '{"service": "checkout"}']]),
        { confirm },
      );
      await run();
      expect(asked).toEqual([['restart_service', { service: 'checkout' }]]);
      expect(tools.restarts).toEqual(confirmed ? [{ service: 'checkout' }] : []);
      expect(toolMessage(provider.calls[1]).content[0]?.output).toMatchObject(
        confirmed
          ? { status: 'ok' }
          : {
              status: 'refused',
              error: 'the operator declined to run write tool restart_service',
            },
      );
    }
  });

  it('does not ask confirm for a read tool', async () => {
    let asked = 0;
    const { tools, run } = setup(
      callsThenAnswer([['call_1', 'lookup_metric', '{"metric": "x"}']]),
      {
        confirm: async () => {
          asked++;
          return false;
        },
      },
    );
    await run();
    expect(asked).toBe(0);
    expect(tools.lookups).toHaveLength(1);
  });

  it('answers input that is not JSON, or breaks the schema, with an error and does not run the tool', async () => {
    const { provider, tools, events, run } = setup(
      callsThenAnswer([
        ['call_1', 'lookup_metric', '{"metric": '],
        ['call_2', 'lookup_metric', '{"name": "checkout_p99"}'],
      ]),
    );
    await run();
    expect(tools.lookups).toEqual([]);
    const [badJson, badShape] = toolMessage(provider.calls[1]).content;
    expect(badJson).toMatchObject({ isError: true, output: { status: 'error' } });
    expect(JSON.stringify(badJson?.output)).toContain('the input is not valid JSON');
    expect(badShape?.output).toEqual({
      tool: 'lookup_metric',
      status: 'error',
      error: [
        "the input does not match the tool's input schema:",
        "  $: must have required property 'metric'",
        "  $: must NOT have additional property 'name'",
      ].join('\n'),
    });
    expect(toolEvents(events).map((event) => event.status)).toEqual(['error', 'error']);
  });

  it('turns a throwing tool into an error result and goes on with the loop', async () => {
    const { provider, tools, events, run } = setup(
      callsThenAnswer([['call_1', 'flaky_probe', '{}']]),
    );
    const result = await run();
    expect(result.turns).toBe(2);
    expect(tools.probes).toBe(1);
    expect(toolMessage(provider.calls[1]).content[0]).toMatchObject({
      isError: true,
      output: {
        tool: 'flaky_probe',
        status: 'error',
        error: 'the tool failed: probe timed out after 5s',
      },
    });
    expect(toolEvents(events)[0]).toMatchObject({
      status: 'error',
      reason: 'the tool failed: probe timed out after 5s',
    });
  });

  it('counts repair turns after tool turns in the same call label sequence', async () => {
    const replies = [toolCallReply([['call_1', 'lookup_metric', '{"metric": "x"}']]), 'not json'];
    const { provider, run } = setup((made) => replies[made.turn - 1] ?? answer);
    const result = await run();
    expect(result).toMatchObject({ output: { severity: 'SEV-1' }, turns: 3 });
    expect(provider.calls.map((made) => made.options.callLabel?.turn)).toEqual([1, 2, 3]);
    const repair = provider.calls[2];
    expect(repair?.options.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
    ]);
    expect(repair && lastUserText(repair)).toContain('the corrected JSON only');
  });

  it('ends with SUBTASK_MAX_TURNS and a subtask-limit event, without running the last calls', async () => {
    const { provider, tools, events, run } = setup(
      () => toolCallReply([['call_n', 'lookup_metric', '{"metric": "x"}']]),
      {},
      { maxTurns: 3 },
    );
    const error = await run().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SubtaskLimitError);
    expect(WarroomError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'SUBTASK_MAX_TURNS',
      reason: 'max-turns',
      context: { subtask: 2 },
    });
    expect((error as Error).message).toContain('maxTurns: 3');
    expect(provider.calls).toHaveLength(3);
    expect(tools.lookups).toHaveLength(2);
    expect(events.at(-1)).toEqual({
      type: 'subtask-limit',
      subtask: 2,
      turn: 3,
      reason: 'max-turns',
      limit: 3,
      used: 3,
    });
  });

  it('counts repair turns against maxTurns', async () => {
    const { provider, run } = setup(() => 'not json', {}, { maxTurns: 2, repairAttempts: 5 });
    await expect(run()).rejects.toMatchObject({ code: 'SUBTASK_MAX_TURNS' });
    expect(provider.calls).toHaveLength(2);
  });

  it('ends with SUBTASK_TOKEN_BUDGET once reported usage passes the budget', async () => {
    const usage = { inputTokens: 150, outputTokens: 50 };
    const { provider, events, run } = setup(
      () => toolCallReply([['call_n', 'lookup_metric', '{"metric": "x"}']], { usage }),
      {},
      { tokenBudget: 300 },
    );
    const error = await run().catch((reason: unknown) => reason);
    expect(error).toMatchObject({ code: 'SUBTASK_TOKEN_BUDGET', reason: 'token-budget' });
    expect((error as Error).message).toContain('used 400 tokens, over its budget of 300');
    expect(provider.calls).toHaveLength(2);
    expect(events.at(-1)).toEqual({
      type: 'subtask-limit',
      subtask: 2,
      turn: 2,
      reason: 'token-budget',
      limit: 300,
      used: 400,
    });
  });

  it('keeps a valid final answer even when its call went over the token budget', async () => {
    const { run } = setup(
      () => textResult(answer, { inputTokens: 500, outputTokens: 50 }),
      {},
      { tokenBudget: 100 },
    );
    await expect(run()).resolves.toMatchObject({ output: { severity: 'SEV-1' }, turns: 1 });
  });

  it('offers no tools and keeps tool-less calls unchanged when the session has no definitions', async () => {
    const { provider, run } = setup(() => answer, { allowed: [] });
    await run();
    expect(provider.calls[0]?.options).not.toHaveProperty('tools');
    expect(provider.calls[0]?.options).not.toHaveProperty('toolChoice');
  });

  it('gives the tool its run, subtask, turn, call id and an abort signal in its context', async () => {
    const tools = incidentTools();
    const seen: unknown[] = [];
    tools.registry.register({
      name: 'who_calls',
      description: 'Reports its context.',
      inputSchema: { type: 'object' },
      effect: 'read',
      async run(_input, context) {
        const { run, subtask, turn, toolCallId, signal } = context;
        seen.push({ run, subtask, turn, toolCallId, signal: signal instanceof AbortSignal });
        return null;
      },
    });
    const session = createLiveToolSession({
      registry: tools.registry,
      allowed: ['who_calls'],
      approvals: new Set(),
      context: { run: 'incident-response', subtask: 2 },
    });
    const outcome = await session.execute(
      { type: 'tool-call', toolCallId: 'call_7', toolName: 'who_calls', input: '' },
      { turn: 3 },
    );
    expect(outcome.status).toBe('ok');
    expect(seen).toEqual([
      { run: 'incident-response', subtask: 2, turn: 3, toolCallId: 'call_7', signal: true },
    ]);
  });

  it('stops with an AbortError when the run is cancelled during a tool call', async () => {
    const controller = new AbortController();
    const tools = incidentTools();
    tools.registry.register({
      name: 'slow_query',
      description: 'Waits for the signal.',
      inputSchema: { type: 'object' },
      effect: 'read',
      run: (_input, context) =>
        new Promise((_resolve, reject) => {
          context.signal.addEventListener('abort', () => reject(context.signal.reason));
          controller.abort();
        }),
    });
    const provider = createScriptedModel('scripted', () =>
      toolCallReply([['call_1', 'slow_query', '{}']]),
    );
    const pending = runSubtask({
      run: 'incident-response',
      subtask: 2,
      model: provider.languageModel({ provider: 'anthropic', modelId: 'claude-sonnet-4-5' }),
      system: 'You are the SRE.',
      prompt: 'Triage INC-1.',
      output: { kind: 'json' },
      responseFormat: { type: 'json' },
      sampling: {},
      repairAttempts: 0,
      validator: createSchemaValidator(),
      signal: controller.signal,
      tools: createLiveToolSession({
        registry: tools.registry,
        allowed: ['slow_query'],
        approvals: new Set(),
        context: { run: 'incident-response', subtask: 2 },
      }),
    });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(provider.calls).toHaveLength(1);
  });
});
