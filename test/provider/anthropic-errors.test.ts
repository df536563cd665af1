import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WarroomError } from '../../src/errors.js';
import {
  type CallOptions,
  createAnthropicProvider,
  type LanguageModel,
  ProviderCallError,
  type StreamPart,
} from '../../src/provider/index.js';
import {
  type AnthropicWireServer,
  messageEvents,
  startAnthropicWireServer,
  type WireReply,
  wireMessage,
} from '../support/anthropic-wire-server.js';

let server: AnthropicWireServer;
beforeEach(async () => {
  server = await startAnthropicWireServer();
});
afterEach(() => server.close());

const target = { provider: 'anthropic', modelId: 'claude-test' };
const call: CallOptions = {
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Status?' }] }],
};

function model(baseURL = server.url): LanguageModel {
  return createAnthropicProvider({ apiKey: 'sk-ant-test', baseURL }).languageModel(target);
}

async function failure(
  reply: WireReply,
  via: 'generate' | 'stream' = 'generate',
): Promise<unknown> {
  server.reply(reply);
  try {
    if (via === 'generate') await model().doGenerate(call);
    else for await (const _part of model().doStream(call));
  } catch (error) {
    // The SDK retries are off: one call is one request, whatever the status says.
    expect(server.requests).toHaveLength(1);
    return error;
  }
  throw new Error('the call did not fail');
}

const longText = {
  content: [
    { type: 'text', text: 'Checkout has failed since the 14:00 deploy; rolling back now.' },
  ],
  stop_reason: 'end_turn',
};

describe('anthropic provider: HTTP errors become ProviderCallErrors', () => {
  it.each([
    [400, 'invalid_request_error', false],
    [401, 'authentication_error', false],
    [403, 'permission_error', false],
    [404, 'not_found_error', false],
    [408, 'timeout_error', true],
    [409, 'conflict_error', true],
    [429, 'rate_limit_error', true],
    [500, 'api_error', true],
    [503, 'api_error', true],
    [529, 'overloaded_error', true],
  ])(
    'HTTP %i %s: retryable %s, with status and request id',
    async (status, errorType, isRetryable) => {
      const error = await failure({
        type: 'error',
        status,
        errorType,
        message: `${errorType} happened`,
      });
      expect(ProviderCallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        name: 'ProviderCallError',
        provider: 'anthropic',
        modelId: 'claude-test',
        statusCode: status,
        isRetryable,
        requestId: 'req_wire_1',
        userError: status === 401 || status === 403,
        code: status === 429 ? 'PROVIDER_RATE_LIMIT' : 'PROVIDER_CALL',
      });
      expect((error as Error).message).toContain(`${errorType} happened`);
      expect((error as Error).cause).toBeInstanceOf(Error);
    },
  );

  it.each([
    [{ 'retry-after': '3' }, 3000],
    [{ 'retry-after-ms': '1500', 'retry-after': '9' }, 1500],
    [{}, undefined],
  ])('reads the wait from %o', async (headers, retryAfterMs) => {
    const error = await failure({
      type: 'error',
      status: 429,
      errorType: 'rate_limit_error',
      message: 'slow down',
      headers,
    });
    expect(error).toMatchObject({ isRetryable: true, retryAfterMs });
  });

  it('reads a retry-after HTTP date, without capping it', async () => {
    const at = new Date(Date.now() + 2 * 60 * 60 * 1000).toUTCString();
    const error = await failure({
      type: 'error',
      status: 529,
      errorType: 'overloaded_error',
      message: 'Overloaded',
      headers: { 'retry-after': at },
    });
    const wait = (error as ProviderCallError).retryAfterMs ?? 0;
    expect(wait).toBeGreaterThan(2 * 60 * 60 * 1000 - 5000);
    expect(wait).toBeLessThanOrEqual(2 * 60 * 60 * 1000);
  });

  it.each([
    ['its error code', { errorCode: 'enforced_spend_limit_reached', message: 'Limit reached.' }],
    ['its message', { message: 'You have reached your specified API usage limits.' }],
  ])('does not retry a 429 for the spend limit, known by %s', async (_by, details) => {
    const error = await failure({
      type: 'error',
      status: 429,
      errorType: 'rate_limit_error',
      headers: { 'retry-after': '60' },
      ...details,
    });
    expect(error).toMatchObject({ statusCode: 429, isRetryable: false });
    expect((error as Error).message).toContain('spend limit');
  });
});

describe('anthropic provider: connections and streams', () => {
  it('a refused connection is retryable, without a status', async () => {
    const closed = await startAnthropicWireServer();
    await closed.close();
    const call_ = model(closed.url).doGenerate(call);
    await expect(call_).rejects.toMatchObject({
      name: 'ProviderCallError',
      isRetryable: true,
      statusCode: undefined,
    });
  });

  it('a connection dropped before the response is retryable', async () => {
    const error = await failure({ type: 'drop' });
    expect(error).toMatchObject({
      name: 'ProviderCallError',
      isRetryable: true,
      statusCode: undefined,
    });
  });

  it('a stream dropped mid-way is retryable, after the parts that arrived', async () => {
    server.reply({ type: 'events', events: messageEvents(wireMessage(longText)), dropAfter: 5 });
    const parts: StreamPart[] = [];
    const streaming = (async () => {
      for await (const part of model().doStream(call)) parts.push(part);
    })();
    await expect(streaming).rejects.toMatchObject({ name: 'ProviderCallError', isRetryable: true });
    expect(parts.length).toBeGreaterThan(0);
    expect(parts.every((part) => part.type === 'text-delta')).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('a stream that ends cleanly but before message_stop is retryable', async () => {
    const events = messageEvents(wireMessage(longText)).slice(0, -1);
    const error = await failure({ type: 'events', events }, 'stream');
    expect(error).toMatchObject({ name: 'ProviderCallError', isRetryable: true });
  });

  it.each([
    ['overloaded_error', true],
    ['invalid_request_error', false],
  ])('an `event: error` of type %s mid-stream: retryable %s', async (errorType, isRetryable) => {
    const events = messageEvents(wireMessage(longText)).slice(0, 4);
    events.push({
      event: 'error',
      data: { type: 'error', error: { type: errorType, message: 'mid-stream' } },
    });
    const error = await failure({ type: 'events', events }, 'stream');
    expect(error).toMatchObject({
      name: 'ProviderCallError',
      isRetryable,
      requestId: 'req_wire_1',
    });
  });
});

describe('anthropic provider: abort', () => {
  it('rejects with an AbortError, not a ProviderCallError, when aborted in flight', async () => {
    server.reply({ type: 'hang' });
    const controller = new AbortController();
    const pending = model().doGenerate({ ...call, abortSignal: controller.signal });
    await expect.poll(() => server.requests.length).toBe(1);
    controller.abort();
    const error = await pending.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(ProviderCallError.isInstance(error)).toBe(false);
  });

  it('passes the engine’s own AbortError reason through, so it can tell a timeout from a cancel', async () => {
    server.reply({ type: 'message', message: longText, delayMs: 5_000 });
    const controller = new AbortController();
    const reason = Object.assign(new Error('subtask 2 timed out'), { name: 'AbortError' });
    const pending = model().doGenerate({ ...call, abortSignal: controller.signal });
    await expect.poll(() => server.requests.length).toBe(1);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('stops a stream with an AbortError when aborted between parts', async () => {
    server.reply({ type: 'message', message: longText });
    const controller = new AbortController();
    const parts: StreamPart[] = [];
    const streaming = (async () => {
      for await (const part of model().doStream({ ...call, abortSignal: controller.signal })) {
        parts.push(part);
        controller.abort();
      }
    })();
    await expect(streaming).rejects.toMatchObject({ name: 'AbortError' });
    expect(parts).toHaveLength(1);
  });
});

describe('anthropic provider: configuration', () => {
  it('needs no key to build the provider or a model; checkConfiguration names the fix', () => {
    const provider = createAnthropicProvider({ env: {} });
    expect(provider.id).toBe('anthropic');
    const built = provider.languageModel(target);
    expect([built.provider, built.modelId, built.specificationVersion]).toEqual([
      'anthropic',
      'claude-test',
      'v1',
    ]);
    expect(provider.checkConfiguration?.()).toEqual({
      ok: false,
      message:
        'ANTHROPIC_API_KEY is not set: export it, or pass --provider replay to play back fixtures',
    });
  });

  it('a call without a key fails as a user error, before any request', async () => {
    const provider = createAnthropicProvider({ baseURL: server.url, env: {} });
    const error = await provider
      .languageModel(target)
      .doGenerate(call)
      .catch((caught: unknown) => caught);
    expect(WarroomError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      userError: true,
      message: expect.stringContaining('ANTHROPIC_API_KEY'),
    });
    expect(server.requests).toHaveLength(0);
  });
});
