import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AnthropicWireServer,
  startAnthropicWireServer,
  type WireObject,
} from '../support/anthropic-wire-server.js';

// The stand-in is only worth its tests if it refuses what the API refuses: these
// pin each rule, so loosening one fails here rather than hiding a client bug.
let server: AnthropicWireServer;
beforeEach(async () => {
  server = await startAnthropicWireServer(() => ({
    type: 'message',
    message: { content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn' },
  }));
});
afterEach(() => server.close());

const headers = {
  'content-type': 'application/json',
  'anthropic-version': '2026-10-21',
  'x-api-key': 'k',
};
const user = (content: WireObject['content']) => ({ role: 'user', content });
const valid = { model: 'claude-test', max_tokens: 16, messages: [user('hi')] };
const toolTurn = {
  role: 'assistant',
  content: [{ type: 'tool_use', id: 'toolu_1', name: 'q', input: {} }],
};

async function post(body: WireObject, extra: Record<string, string | undefined> = {}) {
  const merged = Object.fromEntries(
    Object.entries({ ...headers, ...extra }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  const response = await fetch(`${server.url}/v1/messages`, {
    method: 'POST',
    headers: merged,
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as WireObject };
}

describe('anthropic wire server: strict like the API', () => {
  it('accepts a well-formed request, keyed by x-api-key or a bearer token', async () => {
    expect((await post(valid)).status).toBe(200);
    expect((await post(valid, { 'x-api-key': undefined, authorization: 'Bearer k' })).status).toBe(
      200,
    );
    expect(server.requests.map((request) => request.rejected)).toEqual([undefined, undefined]);
  });

  it('refuses a request without a key (401)', async () => {
    expect((await post(valid, { 'x-api-key': undefined })).status).toBe(401);
  });

  it.each<[string, WireObject, Record<string, string | undefined>?]>([
    ['no anthropic-version header', valid, { 'anthropic-version': undefined }],
    ['no max_tokens', { model: 'claude-test', messages: [user('hi')] }],
    ['a removed sampling field', { ...valid, temperature: 0.2 }],
    ['an unknown field', { ...valid, seed: 7 }],
    ['a bad role', { ...valid, messages: [{ role: 'system', content: 'hi' }] }],
    ['two user turns in a row', { ...valid, messages: [user('a'), user('b')] }],
    ['an empty text block', { ...valid, messages: [user([{ type: 'text', text: '' }])] }],
    [
      'a tool_result without its tool_use',
      {
        ...valid,
        messages: [
          user('a'),
          { role: 'assistant', content: 'b' },
          user([{ type: 'tool_result', tool_use_id: 'toolu_9' }]),
        ],
      },
    ],
    [
      'a tool_use left unanswered',
      { ...valid, messages: [user('a'), toolTurn, user('no result')] },
    ],
    [
      'text before the tool results',
      {
        ...valid,
        messages: [
          user('a'),
          toolTurn,
          user([
            { type: 'text', text: 'x' },
            { type: 'tool_result', tool_use_id: 'toolu_1' },
          ]),
        ],
      },
    ],
    ['tool_choice without tools', { ...valid, tool_choice: { type: 'auto' } }],
  ])('refuses %s with an Anthropic-shaped 400', async (_what, body, extra) => {
    const response = await post(body, extra);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.any(String) },
      request_id: expect.stringMatching(/^req_/),
    });
    expect(server.requests.at(-1)?.rejected).toBe((response.body.error as WireObject).message);
  });

  it('accepts tool results that answer the previous tool_use', async () => {
    const messages = [
      user('a'),
      toolTurn,
      user([{ type: 'tool_result', tool_use_id: 'toolu_1', content: '1' }]),
    ];
    expect((await post({ ...valid, messages })).status).toBe(200);
  });
});
