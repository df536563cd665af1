import { afterEach, describe, expect, it } from 'vitest';
import { type CallOptions, createOpenAIProvider } from '../../src/provider/index.js';
import { type OpenAIWireServer, startOpenAIWireServer } from '../support/openai-wire-server.js';

const servers: OpenAIWireServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const answer = (text: string) => ({ type: 'answer' as const, answer: { text } });
const userSays = (text: string): CallOptions['messages'] => [
  { role: 'user', content: [{ type: 'text', text }] },
];

describe('openai provider: configuration', () => {
  const missingKey =
    'OPENAI_API_KEY is not set: export it, set OPENAI_BASE_URL for an OpenAI-compatible server, or pass --provider replay to play back fixtures';

  it('needs a key, or a custom base URL, and says how to fix it', () => {
    expect(createOpenAIProvider({ env: {} }).checkConfiguration?.()).toEqual({
      ok: false,
      message: missingKey,
    });
    expect(
      createOpenAIProvider({ env: { OPENAI_API_KEY: '  ' } }).checkConfiguration?.(),
    ).toMatchObject({ ok: false });
    expect(
      createOpenAIProvider({
        env: {},
        baseURL: 'https://api.openai.com/v1/',
      }).checkConfiguration?.(),
    ).toMatchObject({ ok: false });
    expect(
      createOpenAIProvider({ env: { OPENAI_API_KEY: 'sk-env' } }).checkConfiguration?.(),
    ).toEqual({ ok: true });
    expect(createOpenAIProvider({ env: {}, apiKey: 'sk-option' }).checkConfiguration?.()).toEqual({
      ok: true,
    });
    expect(
      createOpenAIProvider({
        env: { OPENAI_BASE_URL: 'http://localhost:11434/v1' },
      }).checkConfiguration?.(),
    ).toEqual({ ok: true });
  });

  it('rejects a call without configuration before any request, not retryably', async () => {
    const model = createOpenAIProvider({ env: {} }).languageModel({
      provider: 'openai',
      modelId: 'gpt-4o',
    });
    await expect(model.doGenerate({ messages: userSays('go') })).rejects.toMatchObject({
      name: 'ProviderCallError',
      isRetryable: false,
      message: missingKey,
    });
  });

  it('takes the key and endpoint from env and sends the key as a bearer token', async () => {
    const server = await startOpenAIWireServer({ script: [answer('ok')] });
    servers.push(server);
    const provider = createOpenAIProvider({
      env: { OPENAI_API_KEY: 'sk-from-env', OPENAI_BASE_URL: server.baseURL },
    });
    await provider
      .languageModel({ provider: 'openai', modelId: 'gpt-4o' })
      .doGenerate({ messages: userSays('go') });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-from-env');
  });

  it('works keyless against an OpenAI-compatible server, under its own provider id', async () => {
    const server = await startOpenAIWireServer({
      keyless: true,
      script: [answer('local llama says hi')],
    });
    servers.push(server);
    const provider = createOpenAIProvider({ id: 'ollama', baseURL: server.baseURL, env: {} });
    expect(provider.id).toBe('ollama');
    expect(provider.checkConfiguration?.()).toEqual({ ok: true });
    const model = provider.languageModel({ provider: 'ollama', modelId: 'llama3.1' });
    expect(model.provider).toBe('ollama');
    const result = await model.doGenerate({
      messages: userSays('hi'),
      providerOptions: { ollama: { max_tokens: 64 } },
    });
    expect(result.content).toEqual([{ type: 'text', text: 'local llama says hi' }]);
    expect(server.bodies()[0]).toMatchObject({ model: 'llama3.1', max_tokens: 64 });
  });
});
