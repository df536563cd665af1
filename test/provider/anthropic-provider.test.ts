import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CallOptions,
  createAnthropicProvider,
  type LanguageModel,
  type StreamPart,
} from '../../src/provider/index.js';
import {
  type AnthropicWireServer,
  startAnthropicWireServer,
  type WireMessage,
  type WireObject,
} from '../support/anthropic-wire-server.js';

let server: AnthropicWireServer;
beforeEach(async () => {
  server = await startAnthropicWireServer();
});
afterEach(() => server.close());

function model(options: { defaultMaxOutputTokens?: number } = {}): LanguageModel {
  const provider = createAnthropicProvider({
    apiKey: 'sk-ant-test',
    baseURL: server.url,
    ...options,
  });
  return provider.languageModel({ provider: 'anthropic', modelId: 'claude-test' });
}

function replyWith(message: WireMessage): void {
  server.reply({ type: 'message', message });
}

const textReply = (text: string, stop_reason = 'end_turn'): WireMessage => ({
  content: [{ type: 'text', text }],
  stop_reason,
});

function bodyOf(index = 0): WireObject {
  const request = server.requests[index];
  expect(request?.rejected).toBeUndefined();
  return request?.body ?? {};
}

const userSays = (text: string): CallOptions['messages'][number] => ({
  role: 'user',
  content: [{ type: 'text', text }],
});

const queryTool = {
  name: 'query_prometheus',
  description: 'Run an instant PromQL query.',
  inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};

async function collect(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('anthropic provider: the request on the wire', () => {
  it('marks the stable prefix for caching: the last system block and the last tool', async () => {
    replyWith(textReply('ok'));
    await model().doGenerate({
      system: 'You are the incident commander.',
      messages: [{ role: 'system', content: 'Runbooks live in /runbooks.' }, userSays('Status?')],
      tools: [queryTool, { ...queryTool, name: 'query_loki_logs', description: 'Query logs.' }],
      toolChoice: { type: 'required' },
    });
    const body = bodyOf();
    expect(body.system).toEqual([
      { type: 'text', text: 'You are the incident commander.' },
      { type: 'text', text: 'Runbooks live in /runbooks.', cache_control: { type: 'ephemeral' } },
    ]);
    expect(body.tools).toEqual([
      {
        name: 'query_prometheus',
        description: queryTool.description,
        input_schema: queryTool.inputSchema,
      },
      {
        name: 'query_loki_logs',
        description: 'Query logs.',
        input_schema: queryTool.inputSchema,
        cache_control: { type: 'ephemeral' },
      },
    ]);
    expect(body.tool_choice).toEqual({ type: 'any' });
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Status?' }] }]);
  });

  it('sends tool results right after their tool_use and merges consecutive user content', async () => {
    replyWith(textReply('The 5xx rate is 12%.'));
    await model().doGenerate({
      messages: [
        userSays('Checkout is failing.'),
        userSays('What is the 5xx rate?'),
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Querying both.' },
            {
              type: 'tool-call',
              toolCallId: 'toolu_1',
              toolName: 'query_prometheus',
              input: '{"query":"up"}',
            },
            { type: 'tool-call', toolCallId: 'toolu_2', toolName: 'query_prometheus', input: '' },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'toolu_1',
              toolName: 'query_prometheus',
              output: { value: 0.12 },
            },
            {
              type: 'tool-result',
              toolCallId: 'toolu_2',
              toolName: 'query_prometheus',
              output: 'bad_data: empty query',
              isError: true,
            },
          ],
        },
        userSays('Summarise.'),
      ],
      tools: [queryTool],
    });
    expect(bodyOf().messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Checkout is failing.' },
          { type: 'text', text: 'What is the 5xx rate?' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Querying both.' },
          { type: 'tool_use', id: 'toolu_1', name: 'query_prometheus', input: { query: 'up' } },
          { type: 'tool_use', id: 'toolu_2', name: 'query_prometheus', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '{"value":0.12}' },
          {
            type: 'tool_result',
            tool_use_id: 'toolu_2',
            content: 'bad_data: empty query',
            is_error: true,
          },
          { type: 'text', text: 'Summarise.' },
        ],
      },
    ]);
  });

  it('fails before any request when a tool call input is not a JSON object', async () => {
    const call = model().doGenerate({
      messages: [
        userSays('Go.'),
        {
          role: 'assistant',
          content: [{ type: 'tool-call', toolCallId: 't1', toolName: 'q', input: '{"query":' }],
        },
      ],
    });
    await expect(call).rejects.toMatchObject({
      name: 'ProviderCallError',
      isRetryable: false,
      message: expect.stringContaining('t1 (q) is not valid JSON'),
    });
    expect(server.requests).toHaveLength(0);
  });

  it('always sends max_tokens: the call, else the provider default, else 4096', async () => {
    server.reply(...[1, 2, 3].map(() => ({ type: 'message' as const, message: textReply('ok') })));
    await model().doGenerate({ messages: [userSays('a')] });
    await model({ defaultMaxOutputTokens: 1024 }).doGenerate({ messages: [userSays('b')] });
    await model({ defaultMaxOutputTokens: 1024 }).doGenerate({
      messages: [userSays('c')],
      maxOutputTokens: 64,
    });
    expect([0, 1, 2].map((index) => bodyOf(index).max_tokens)).toEqual([4096, 1024, 64]);
  });

  it('keeps settings the API rejects off the wire and reports each as a warning', async () => {
    replyWith(textReply('ok'));
    const result = await model().doGenerate({
      messages: [userSays('Triage.')],
      seed: 7,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stopSequences: ['</report>'],
      providerOptions: { anthropic: { thinking: true } },
    });
    const body = bodyOf();
    for (const field of ['seed', 'temperature', 'top_p', 'top_k', 'thinking'])
      expect(body).not.toHaveProperty(field);
    expect(body.stop_sequences).toEqual(['</report>']);
    expect(result.warnings.map((warning) => warning.setting)).toEqual([
      'temperature',
      'topP',
      'topK',
      'seed',
      'providerOptions.anthropic.thinking',
    ]);
    expect(result.warnings.every((warning) => warning.type === 'unsupported-setting')).toBe(true);
  });
});

describe('anthropic provider: structured output', () => {
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'triage',
    'x-warroom-version': 1,
    type: 'object',
    properties: { severity: { type: 'string' } },
    required: ['severity'],
    additionalProperties: false,
  };

  it('forces an output tool and returns its input as a text part holding the JSON', async () => {
    replyWith({
      content: [
        {
          type: 'tool_use',
          id: 'toolu_out',
          name: 'structured_output',
          input: { severity: 'SEV1' },
        },
      ],
      stop_reason: 'tool_use',
    });
    const result = await model().doGenerate({
      messages: [userSays('Classify.')],
      responseFormat: { type: 'json', schema },
    });
    const body = bodyOf();
    expect(body.tools).toEqual([
      {
        name: 'structured_output',
        description: expect.any(String),
        input_schema: {
          type: 'object',
          properties: { severity: { type: 'string' } },
          required: ['severity'],
          additionalProperties: false,
        },
        cache_control: { type: 'ephemeral' },
      },
    ]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'structured_output' });
    expect(result.content).toEqual([{ type: 'text', text: '{"severity":"SEV1"}' }]);
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'tool_use' });
    expect(result.warnings).toEqual([]);
  });

  it('streams the forced tool input as text, the same as generate returns', async () => {
    const message: WireMessage = {
      content: [
        {
          type: 'tool_use',
          id: 'toolu_out',
          name: 'structured_output',
          input: { severity: 'SEV2' },
        },
      ],
      stop_reason: 'tool_use',
    };
    server.reply({ type: 'message', message }, { type: 'message', message });
    const call: CallOptions = {
      messages: [userSays('Classify.')],
      responseFormat: { type: 'json', schema },
    };
    const generated = await model().doGenerate(call);
    const parts = await collect(model().doStream(call));
    expect(parts.filter((part) => part.type === 'tool-call')).toEqual([]);
    expect(parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : [])).join('')).toBe(
      '{"severity":"SEV2"}',
    );
    expect(parts.at(-1)).toEqual({ type: 'finish', result: generated });
  });

  it('does not force the output tool while other tools are offered, and says so', async () => {
    replyWith(textReply('{"severity":"SEV3"}'));
    const result = await model().doGenerate({
      messages: [userSays('Classify.')],
      tools: [queryTool],
      responseFormat: { type: 'json', schema },
    });
    const body = bodyOf();
    expect((body.tools as WireObject[]).map((tool) => tool.name)).toEqual(['query_prometheus']);
    expect(body).not.toHaveProperty('tool_choice');
    expect(result.warnings).toEqual([expect.objectContaining({ setting: 'responseFormat' })]);
  });
});

describe('anthropic provider: the result', () => {
  it('reports usage with cache reads and writes, and the response id and model', async () => {
    replyWith({
      id: 'msg_usage',
      model: 'claude-test-20261101',
      ...textReply('ok'),
      usage: {
        input_tokens: 12,
        output_tokens: 5,
        cache_read_input_tokens: 2048,
        cache_creation_input_tokens: 96,
      },
    });
    const result = await model().doGenerate({ messages: [userSays('Usage?')] });
    expect(result.usage).toEqual({
      inputTokens: 12,
      outputTokens: 5,
      cacheReadTokens: 2048,
      cacheWriteTokens: 96,
    });
    expect(result.response).toEqual({ id: 'msg_usage', modelId: 'claude-test-20261101' });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool-calls'],
    ['refusal', 'content-filter'],
    ['pause_turn', 'other'],
  ])('maps stop_reason %s to %s', async (raw, unified) => {
    replyWith(textReply('…', raw));
    const result = await model().doGenerate({ messages: [userSays('Why did you stop?')] });
    expect(result.finishReason).toEqual({ unified, raw });
  });
});

describe('anthropic provider: streaming', () => {
  const toolReply: WireMessage = {
    content: [
      { type: 'text', text: 'Checking the error rate for checkout in eu-west-1 now.' },
      {
        type: 'tool_use',
        id: 'toolu_stream',
        name: 'query_prometheus',
        input: { query: 'sum(rate(http_requests_total{status=~"5.."}[5m]))' },
      },
    ],
    stop_reason: 'tool_use',
    usage: { input_tokens: 30, output_tokens: 18, cache_read_input_tokens: 1000 },
  };

  it('yields text as it arrives, then tool calls assembled from fragments, then the full result', async () => {
    server.reply({ type: 'message', message: toolReply }, { type: 'message', message: toolReply });
    const call: CallOptions = { messages: [userSays('5xx rate?')], tools: [queryTool] };
    const generated = await model().doGenerate(call);
    const parts = await collect(model().doStream(call));
    expect(bodyOf(1).stream).toBe(true);
    const deltas = parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Checking the error rate for checkout in eu-west-1 now.');
    expect(parts.map((part) => part.type)).toEqual([
      ...deltas.map(() => 'text-delta'),
      'tool-call',
      'finish',
    ]);
    expect(parts.at(-2)).toEqual({
      type: 'tool-call',
      toolCall: {
        type: 'tool-call',
        toolCallId: 'toolu_stream',
        toolName: 'query_prometheus',
        input: JSON.stringify(toolReply.content[1]?.input),
      },
    });
    expect(parts.at(-1)).toEqual({ type: 'finish', result: generated });
    expect(generated.usage).toEqual({ inputTokens: 30, outputTokens: 18, cacheReadTokens: 1000 });
  });
});

describe('anthropic provider: transport', () => {
  it('sends the key as a bearer token with anthropic-version, one request per call', async () => {
    replyWith(textReply('ok'));
    await model().doGenerate({ messages: [userSays('Hello.')] });
    expect(server.requests).toHaveLength(1);
    const headers = server.requests[0]?.headers ?? {};
    expect(headers.authorization).toBe('Bearer sk-ant-test');
    expect(headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(headers['x-stainless-retry-count']).toBe('0');
  });

  it('reads the key and endpoint from the given environment', async () => {
    replyWith(textReply('ok'));
    const provider = createAnthropicProvider({
      env: { ANTHROPIC_API_KEY: 'sk-ant-from-env', ANTHROPIC_BASE_URL: server.url },
    });
    expect(provider.checkConfiguration?.()).toEqual({ ok: true });
    await provider.languageModel({ provider: 'anthropic', modelId: 'claude-test' }).doGenerate({
      messages: [userSays('Hello.')],
    });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-ant-from-env');
  });
});
