import { afterEach, describe, expect, it } from 'vitest';
import {
  type CallOptions,
  createOpenAIProvider,
  type OpenAIProviderOptions,
  type StreamPart,
} from '../../src/provider/index.js';
import {
  type OpenAIWireServer,
  type OpenAIWireServerOptions,
  startOpenAIWireServer,
  type WireAnswer,
} from '../support/openai-wire-server.js';

const servers: OpenAIWireServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function setup(
  serverOptions: OpenAIWireServerOptions,
  providerOptions: OpenAIProviderOptions = {},
) {
  const server = await startOpenAIWireServer(serverOptions);
  servers.push(server);
  const provider = createOpenAIProvider({
    apiKey: 'sk-test',
    baseURL: server.baseURL,
    env: {},
    ...providerOptions,
  });
  return { server, model: provider.languageModel({ provider: 'openai', modelId: 'gpt-4o' }) };
}

const answer = (reply: WireAnswer) => ({ type: 'answer' as const, answer: reply });
const userSays = (text: string): CallOptions['messages'] => [
  { role: 'user', content: [{ type: 'text', text }] },
];
const promQuery = {
  name: 'query_prometheus',
  description: 'Run an instant PromQL query.',
  inputSchema: {
    type: 'object',
    properties: { query: { type: 'string' } },
    required: ['query'],
  },
};

async function collect(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('openai provider: requests', () => {
  it('sends the system prompt first, assistant tool calls, and one tool message per result', async () => {
    const { server, model } = await setup({ script: [answer({ text: 'Error rate is 4%.' })] });
    await model.doGenerate({
      system: 'You are the incident commander.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is failing?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking two signals.' },
            {
              type: 'tool-call',
              toolCallId: 'call_1',
              toolName: 'query_prometheus',
              input: '{"query":"up"}',
            },
            {
              type: 'tool-call',
              toolCallId: 'call_2',
              toolName: 'query_prometheus',
              input: '{"query":"errors"}',
            },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'call_1',
              toolName: 'query_prometheus',
              output: { up: 1 },
            },
            {
              type: 'tool-result',
              toolCallId: 'call_2',
              toolName: 'query_prometheus',
              output: 'query timed out',
              isError: true,
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', toolCallId: 'call_3', toolName: 'query_prometheus', input: '{}' },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'call_3',
              toolName: 'query_prometheus',
              output: 'raw text',
            },
          ],
        },
      ],
      tools: [promQuery],
      toolChoice: { type: 'tool', toolName: 'query_prometheus' },
    });
    const [body] = server.bodies();
    expect(body?.messages).toEqual([
      { role: 'system', content: 'You are the incident commander.' },
      { role: 'user', content: 'What is failing?' },
      {
        role: 'assistant',
        content: 'Checking two signals.',
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'query_prometheus', arguments: '{"query":"up"}' },
          },
          {
            id: 'call_2',
            type: 'function',
            function: { name: 'query_prometheus', arguments: '{"query":"errors"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"up":1}' },
      { role: 'tool', tool_call_id: 'call_2', content: 'Error: query timed out' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_3',
            type: 'function',
            function: { name: 'query_prometheus', arguments: '{}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_3', content: 'raw text' },
    ]);
    expect(body?.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'query_prometheus',
          description: promQuery.description,
          parameters: promQuery.inputSchema,
        },
      },
    ]);
    expect(body?.tool_choice).toEqual({ type: 'function', function: { name: 'query_prometheus' } });
  });

  it('maps the other tool choices and leaves tool_choice out without tools', async () => {
    const script = ['auto', 'none', 'required', 'auto'].map(() => answer({ text: 'ok' }));
    const { server, model } = await setup({ script });
    for (const type of ['auto', 'none', 'required'] as const) {
      await model.doGenerate({
        messages: userSays('go'),
        tools: [promQuery],
        toolChoice: { type },
      });
    }
    await model.doGenerate({ messages: userSays('go'), toolChoice: { type: 'required' } });
    const bodies = server.bodies();
    expect(bodies.map((body) => body.tool_choice)).toEqual(['auto', 'none', 'required', undefined]);
    expect(bodies[3]).not.toHaveProperty('tools');
  });

  it('sends a strict json_schema for a strict-compatible schema, with $schema, $id and x- keys stripped', async () => {
    const { server, model } = await setup({ script: [answer({ text: '{"severity":"SEV1"}' })] });
    const result = await model.doGenerate({
      messages: userSays('Classify the incident.'),
      responseFormat: {
        type: 'json',
        name: 'incident triage!',
        description: 'Severity call.',
        schema: {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          $id: 'https://warroom.dev/schemas/triage.json',
          'x-warroom-owner': 'sre',
          type: 'object',
          properties: {
            severity: { type: 'string', enum: ['SEV1', 'SEV2'] },
            // A property that merely looks like a keyword is data, not an annotation.
            'x-ray': { type: ['string', 'null'] },
          },
          required: ['severity', 'x-ray'],
          additionalProperties: false,
        },
      },
    });
    expect(server.bodies()[0]?.response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'incident_triage_',
        description: 'Severity call.',
        strict: true,
        schema: {
          type: 'object',
          properties: {
            severity: { type: 'string', enum: ['SEV1', 'SEV2'] },
            'x-ray': { type: ['string', 'null'] },
          },
          required: ['severity', 'x-ray'],
          additionalProperties: false,
        },
      },
    });
    expect(result.warnings).toEqual([]);
  });

  it('falls back to json_object with a warning when the schema does not fit strict mode', async () => {
    const script = [answer({ text: '{}' }), answer({ text: '{}' }), answer({ text: '{}' })];
    const { server, model } = await setup({ script });
    const loose = {
      type: 'object',
      properties: { severity: { type: 'string' }, notes: { type: 'string' } },
      required: ['severity'],
    };
    const call = {
      messages: userSays('Answer in JSON.'),
      responseFormat: { type: 'json' as const, schema: loose },
    };
    const fallback = await model.doGenerate(call);
    const noSchema = await model.doGenerate({ ...call, responseFormat: { type: 'json' } });
    expect(fallback.warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-setting', setting: 'responseFormat.schema' }),
    ]);
    expect(fallback.warnings[0]?.message).toContain('additionalProperties');
    expect(noSchema.warnings).toEqual([]);

    const { model: off } = await setup(
      { script: [answer({ text: '{}' })] },
      { structuredOutputs: 'off' },
    );
    const strictSchema = {
      type: 'object',
      properties: {},
      required: [],
      additionalProperties: false,
    };
    const turnedOff = await off.doGenerate({
      ...call,
      responseFormat: { type: 'json', schema: strictSchema },
    });
    expect(turnedOff.warnings[0]?.message).toContain('turned off');

    expect(server.bodies().map((body) => body.response_format)).toEqual([
      { type: 'json_object' },
      { type: 'json_object' },
    ]);
    expect(servers[1]?.bodies()[0]?.response_format).toEqual({ type: 'json_object' });
  });

  it('passes limits and sampling through, warns about topK, and merges providerOptions', async () => {
    const { server, model } = await setup({ script: [answer({ text: 'ok' })] });
    const result = await model.doGenerate({
      messages: userSays('go'),
      maxOutputTokens: 256,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stopSequences: ['END'],
      seed: 7,
      providerOptions: {
        openai: { service_tier: 'flex', model: 'not-this-one' },
        anthropic: { top_k: 3 },
      },
    });
    expect(server.bodies()[0]).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'go' }],
      max_completion_tokens: 256,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['END'],
      seed: 7,
      service_tier: 'flex',
    });
    expect(result.warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-setting', setting: 'topK' }),
    ]);
  });
});

describe('openai provider: results', () => {
  it('returns text, usage with cached tokens, and the response id and model', async () => {
    const { model } = await setup({
      script: [
        answer({
          id: 'chatcmpl-42',
          model: 'gpt-4o-2024-08-06',
          text: 'Rollback done.',
          usage: { promptTokens: 1200, completionTokens: 30, cachedTokens: 1024 },
        }),
      ],
    });
    const result = await model.doGenerate({ messages: userSays('Status?') });
    expect(result).toEqual({
      content: [{ type: 'text', text: 'Rollback done.' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: 1200, outputTokens: 30, cacheReadTokens: 1024 },
      warnings: [],
      response: { id: 'chatcmpl-42', modelId: 'gpt-4o-2024-08-06' },
    });
  });

  it('maps finish reasons to the unified vocabulary and keeps the raw one', async () => {
    const raw = ['stop', 'length', 'tool_calls', 'function_call', 'content_filter', 'eos_token'];
    const { model } = await setup({
      script: raw.map((finishReason) => answer({ text: 'x', finishReason })),
    });
    const reasons = [];
    for (const _ of raw)
      reasons.push((await model.doGenerate({ messages: userSays('go') })).finishReason);
    expect(reasons).toEqual([
      { unified: 'stop', raw: 'stop' },
      { unified: 'length', raw: 'length' },
      { unified: 'tool-calls', raw: 'tool_calls' },
      { unified: 'tool-calls', raw: 'function_call' },
      { unified: 'content-filter', raw: 'content_filter' },
      { unified: 'other', raw: 'eos_token' },
    ]);
  });

  it('reports unknown usage when a compatible server sends none', async () => {
    const { model } = await setup({
      script: [answer({ text: 'ok', usage: null }), answer({ text: 'ok', usage: null })],
    });
    const generated = await model.doGenerate({ messages: userSays('go') });
    const parts = await collect(model.doStream({ messages: userSays('go') }));
    const finish = parts.at(-1);
    expect(generated.usage).toEqual({ inputTokens: undefined, outputTokens: undefined });
    expect(finish?.type === 'finish' && finish.result.usage).toEqual({
      inputTokens: undefined,
      outputTokens: undefined,
    });
  });
});

describe('openai provider: streaming', () => {
  const reply: WireAnswer = {
    id: 'chatcmpl-stream',
    text: 'Two checks first: ',
    toolCalls: [
      {
        id: 'call_a',
        name: 'query_prometheus',
        arguments: '{"query":"sum(rate(http_requests_total[5m]))"}',
      },
      { id: 'call_b', name: 'query_prometheus', arguments: '{"query":"up{job=\\"checkout\\"}"}' },
    ],
    usage: { promptTokens: 300, completionTokens: 40, cachedTokens: 256 },
  };

  it('asks for usage, yields text deltas as they come, assembles tool calls from fragments, and finishes like generate', async () => {
    const { server, model } = await setup({ script: [answer(reply), answer(reply)] });
    const call = { messages: userSays('Investigate.'), tools: [promQuery] };
    const generated = await model.doGenerate(call);
    const parts = await collect(model.doStream(call));

    const streamed = server.bodies()[1];
    expect(streamed).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const deltas = parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Two checks first: ');
    expect(parts.filter((part) => part.type === 'tool-call').map((part) => part.toolCall)).toEqual(
      generated.content.filter((part) => part.type === 'tool-call'),
    );
    expect(generated.content.filter((part) => part.type === 'tool-call')).toHaveLength(2);
    expect(parts.at(-1)).toEqual({ type: 'finish', result: generated });
    expect(generated.usage).toEqual({ inputTokens: 300, outputTokens: 40, cacheReadTokens: 256 });
  });
});
