import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OpenAIWireServer, startOpenAIWireServer } from '../support/openai-wire-server.js';

// The stand-in is only worth its tests if it refuses what the API refuses: these pin
// each rule, so loosening one fails here rather than hiding a client bug.
let server: OpenAIWireServer;
beforeEach(async () => {
  server = await startOpenAIWireServer({
    script: () => ({ type: 'answer', answer: { text: 'ok' } }),
  });
});
afterEach(() => server.close());

type Body = Record<string, unknown>;
const user = (content: string) => ({ role: 'user', content });
const valid: Body = { model: 'gpt-4o', messages: [user('hi')] };
const toolTurn = {
  role: 'assistant',
  content: null,
  tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'q', arguments: '{}' } }],
};
const strictFormat = (schema: Body) => ({
  type: 'json_schema',
  json_schema: { name: 'triage', strict: true, schema },
});

async function post(body: Body, authorization: string | null = 'Bearer sk-test') {
  const response = await fetch(`${server.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const json = response.headers.get('content-type') === 'application/json';
  return { status: response.status, body: (json ? JSON.parse(text) : { text }) as Body };
}

describe('openai wire server: strict like the API', () => {
  it('accepts well-formed requests: a tool round trip, strict JSON, streaming options', async () => {
    const bodies: Body[] = [
      valid,
      {
        model: 'gpt-4o',
        messages: [user('go'), toolTurn, { role: 'tool', tool_call_id: 'call_1', content: '1' }],
        tools: [{ type: 'function', function: { name: 'q', parameters: { type: 'object' } } }],
        tool_choice: { type: 'function', function: { name: 'q' } },
      },
      {
        ...valid,
        response_format: strictFormat({
          type: 'object',
          properties: { a: { type: ['string', 'null'] } },
          required: ['a'],
          additionalProperties: false,
        }),
      },
      { ...valid, stream: true, stream_options: { include_usage: true } },
    ];
    for (const body of bodies) expect((await post(body)).status).toBe(200);
  });

  it('refuses a request without a bearer key (401), unless keyless', async () => {
    expect((await post(valid, null)).status).toBe(401);
    const keyless = await startOpenAIWireServer({
      keyless: true,
      script: () => ({ type: 'answer', answer: {} }),
    });
    const response = await fetch(`${keyless.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(valid),
    });
    expect(response.status).toBe(200);
    await keyless.close();
  });

  it.each<[string, Body]>([
    ['no model', { messages: [user('hi')] }],
    ['no messages', { model: 'gpt-4o' }],
    ['empty messages', { model: 'gpt-4o', messages: [] }],
    ['a bad role', { model: 'gpt-4o', messages: [{ role: 'human', content: 'hi' }] }],
    [
      'a tool message without its tool call',
      {
        model: 'gpt-4o',
        messages: [user('go'), { role: 'tool', tool_call_id: 'call_1', content: '1' }],
      },
    ],
    [
      'a tool message for another call',
      {
        model: 'gpt-4o',
        messages: [user('go'), toolTurn, { role: 'tool', tool_call_id: 'call_9', content: '1' }],
      },
    ],
    [
      'a tool call left unanswered',
      { model: 'gpt-4o', messages: [user('go'), toolTurn, user('and?')] },
    ],
    ['an unknown parameter', { ...valid, top_k: 5 }],
    ['tool_choice without tools', { ...valid, tool_choice: 'auto' }],
    [
      'a json_object request that never says JSON',
      { ...valid, response_format: { type: 'json_object' } },
    ],
    ['an unknown response_format type', { ...valid, response_format: { type: 'yaml' } }],
    [
      'a strict schema with an optional property',
      {
        ...valid,
        response_format: strictFormat({
          type: 'object',
          properties: { a: {} },
          required: [],
          additionalProperties: false,
        }),
      },
    ],
    [
      'a strict schema without additionalProperties: false',
      { ...valid, response_format: strictFormat({ type: 'object', properties: {}, required: [] }) },
    ],
    [
      'a strict schema with $schema',
      {
        ...valid,
        response_format: strictFormat({
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'object',
          properties: {},
          required: [],
          additionalProperties: false,
        }),
      },
    ],
    [
      'a schema name with spaces',
      {
        ...valid,
        response_format: { type: 'json_schema', json_schema: { name: 'a b', schema: {} } },
      },
    ],
    ['stream_options without stream', { ...valid, stream_options: { include_usage: true } }],
    ['a temperature above 2', { ...valid, temperature: 3 }],
  ])('refuses %s with an OpenAI-shaped 400', async (_name, body) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: { type: 'invalid_request_error', message: expect.any(String) },
    });
    expect(server.requests).toHaveLength(1);
  });
});
