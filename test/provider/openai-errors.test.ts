import { APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CallOptions,
  createOpenAIProvider,
  type OpenAIProviderOptions,
  ProviderCallError,
  type StreamPart,
} from '../../src/provider/index.js';
import {
  type OpenAIWireServer,
  openAIErrors,
  startOpenAIWireServer,
  type WireReply,
} from '../support/openai-wire-server.js';

const servers: OpenAIWireServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function setup(script: WireReply[], providerOptions: OpenAIProviderOptions = {}) {
  const server = await startOpenAIWireServer({ script });
  servers.push(server);
  const provider = createOpenAIProvider({
    apiKey: 'sk-test',
    baseURL: server.baseURL,
    env: {},
    ...providerOptions,
  });
  return { server, model: provider.languageModel({ provider: 'openai', modelId: 'gpt-4o' }) };
}

const call: CallOptions = {
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Status?' }] }],
};
const longAnswer = {
  text: 'Checkout is down since the deploy at 14:00 and the rollback is running now.',
};

async function failure(promise: Promise<unknown>): Promise<ProviderCallError> {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  if (!ProviderCallError.isInstance(error))
    throw new Error(`expected a ProviderCallError, got ${String(error)}`);
  return error;
}

async function collect(stream: AsyncIterable<StreamPart>, parts: StreamPart[]): Promise<void> {
  for await (const part of stream) parts.push(part);
}

describe('openai provider: HTTP errors', () => {
  it.each([
    [
      '401',
      openAIErrors.unauthorized(),
      { statusCode: 401, isRetryable: false, userError: true, code: 'PROVIDER_CALL' },
    ],
    [
      '429 insufficient_quota',
      openAIErrors.insufficientQuota(),
      { statusCode: 429, isRetryable: false, retryAfterMs: undefined, code: 'PROVIDER_RATE_LIMIT' },
    ],
    [
      '500',
      openAIErrors.serverError(500),
      { statusCode: 500, isRetryable: true, userError: false },
    ],
    ['503', openAIErrors.serverError(503), { statusCode: 503, isRetryable: true }],
    [
      '404',
      {
        type: 'error',
        status: 404,
        body: {
          error: {
            message: 'The model does not exist',
            type: 'invalid_request_error',
            code: 'model_not_found',
          },
        },
      } as const,
      { statusCode: 404, isRetryable: false },
    ],
    [
      '408',
      { type: 'error', status: 408, body: {} } as const,
      { statusCode: 408, isRetryable: true },
    ],
    [
      '409',
      { type: 'error', status: 409, body: {} } as const,
      { statusCode: 409, isRetryable: true },
    ],
  ])(
    'wraps %s once, with the request id and the SDK error as cause, in exactly one request',
    async (_name, reply, fields) => {
      const { server, model } = await setup([reply]);
      const error = await failure(model.doGenerate(call));
      expect(error).toMatchObject({
        name: 'ProviderCallError',
        provider: 'openai',
        modelId: 'gpt-4o',
        requestId: 'req_loopback_1',
        ...fields,
      });
      expect(error.cause).toBeInstanceOf(APIError);
      expect(server.requests).toHaveLength(1);
    },
  );

  it('says how to fix a bad key and an empty balance', async () => {
    const { model } = await setup([openAIErrors.unauthorized(), openAIErrors.insufficientQuota()]);
    expect((await failure(model.doGenerate(call))).message).toContain('OPENAI_API_KEY');
    expect((await failure(model.doGenerate(call))).message).toContain('retrying will not help');
  });

  it('reads retryAfterMs from retry-after-ms, retry-after seconds or date, and the rate-limit reset', async () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const { model } = await setup([
      openAIErrors.rateLimited({ 'retry-after-ms': '1500', 'retry-after': '2' }),
      openAIErrors.rateLimited({ 'retry-after': '2' }),
      openAIErrors.rateLimited({ 'retry-after': inTenSeconds }),
      openAIErrors.rateLimited({
        'x-ratelimit-remaining-requests': '12',
        'x-ratelimit-reset-requests': '1s',
        'x-ratelimit-remaining-tokens': '0',
        'x-ratelimit-reset-tokens': '6m0s',
      }),
      openAIErrors.rateLimited({}),
    ]);
    const waits = [];
    for (let attempt = 0; attempt < 5; attempt += 1)
      waits.push((await failure(model.doGenerate(call))).retryAfterMs);
    expect(waits[0]).toBe(1500);
    expect(waits[1]).toBe(2000);
    expect(waits[2]).toBeGreaterThan(8000);
    expect(waits[2]).toBeLessThanOrEqual(10_000);
    expect(waits[3]).toBe(360_000);
    expect(waits[4]).toBeUndefined();
  });

  it('does not retry a request the server rejects as malformed', async () => {
    const { server, model } = await setup([]);
    const error = await failure(
      model.doGenerate({ ...call, providerOptions: { openai: { top_k: 5 } } }),
    );
    expect(error).toMatchObject({ statusCode: 400, isRetryable: false });
    expect(error.message).toContain('top_k');
    expect(server.requests).toHaveLength(1);
  });

  it('wraps an HTTP error on a stream before any part is yielded', async () => {
    const { server, model } = await setup([openAIErrors.serverError(503)]);
    const parts: StreamPart[] = [];
    const error = await failure(collect(model.doStream(call), parts));
    expect(error).toMatchObject({ statusCode: 503, isRetryable: true });
    expect(parts).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });
});

describe('openai provider: broken connections', () => {
  it('turns a stream dropped mid-way into a retryable error after the deltas that arrived', async () => {
    const { server, model } = await setup([{ type: 'drop', answer: longAnswer, afterChunks: 4 }]);
    const parts: StreamPart[] = [];
    const error = await failure(collect(model.doStream(call), parts));
    expect(error).toMatchObject({
      isRetryable: true,
      statusCode: undefined,
      requestId: 'req_loopback_1',
    });
    expect(error.message).toContain('broke off');
    expect(parts.length).toBeGreaterThan(0);
    expect(parts.every((part) => part.type === 'text-delta')).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('turns a response body cut off mid-way into a retryable error', async () => {
    const { model } = await setup([{ type: 'drop', answer: longAnswer, afterChunks: 0 }]);
    expect(await failure(model.doGenerate(call))).toMatchObject({ isRetryable: true });
  });

  it('treats a refused connection and the SDK timeout as retryable', async () => {
    const closed = await startOpenAIWireServer();
    await closed.close();
    const refused = createOpenAIProvider({ apiKey: 'sk-test', baseURL: closed.baseURL, env: {} });
    const refusedModel = refused.languageModel({ provider: 'openai', modelId: 'gpt-4o' });
    expect(await failure(refusedModel.doGenerate(call))).toMatchObject({
      isRetryable: true,
      statusCode: undefined,
    });

    const { model } = await setup([{ type: 'answer', answer: longAnswer, delayMs: 2000 }], {
      timeoutMs: 50,
    });
    const timedOut = await failure(model.doGenerate(call));
    expect(timedOut).toMatchObject({ isRetryable: true });
    expect(timedOut.message).toContain('timed out');
  });
});

describe('openai provider: abort', () => {
  it('rejects generate with an AbortError, not a ProviderCallError, when aborted in flight', async () => {
    const { server, model } = await setup([{ type: 'answer', answer: longAnswer, delayMs: 5000 }]);
    const controller = new AbortController();
    const pending = model.doGenerate({ ...call, abortSignal: controller.signal });
    await waitFor(() => server.requests.length === 1);
    controller.abort();
    const error = await pending.catch((rejection: unknown) => rejection);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(ProviderCallError.isInstance(error)).toBe(false);
  });

  it('rejects a stream with an AbortError when aborted between deltas', async () => {
    const { model } = await setup([{ type: 'answer', answer: longAnswer }]);
    const controller = new AbortController();
    const parts: StreamPart[] = [];
    const consume = async () => {
      for await (const part of model.doStream({ ...call, abortSignal: controller.signal })) {
        parts.push(part);
        controller.abort();
      }
    };
    await expect(consume()).rejects.toMatchObject({ name: 'AbortError' });
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
