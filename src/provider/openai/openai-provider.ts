/**
 * The `openai` provider: Chat Completions through the official SDK, for OpenAI and
 * for OpenAI-compatible servers (Ollama, vLLM, LM Studio…) behind a custom base URL.
 *
 * The SDK is imported and its client built on the first call, so constructing the
 * provider or checking its configuration needs neither the module nor a key. SDK
 * retries are off — the engine owns retries, and stacking the SDK's on them would
 * multiply attempts — and the SDK timeout is only a backstop: the engine enforces
 * per-call timeouts through `abortSignal`.
 */
import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import { ProviderCallError } from '../errors.js';
import type {
  CallOptions,
  ConfigurationCheck,
  GenerateResult,
  LanguageModel,
  ModelProvider,
  ModelTarget,
  StreamPart,
} from '../spec.js';
import {
  abortError,
  type CallErrorContext,
  callError,
  droppedStreamError,
  type OpenAISdk,
} from './call-error.js';
import { type ChatRequestSettings, chatRequest, type StructuredOutputs } from './chat-request.js';
import { chatResult } from './chat-result.js';
import { ChatStreamAssembler } from './chat-stream-assembler.js';

export interface OpenAIProviderOptions {
  /** Else `OPENAI_API_KEY` from `env`. */
  apiKey?: string;
  /** Else `OPENAI_BASE_URL` from `env`; e.g. `http://localhost:11434/v1` for Ollama. */
  baseURL?: string;
  /** Where the key and endpoint come from when not passed; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /** The provider id, `openai` by default; `providerOptions[id]` is merged into requests. */
  id?: string;
  /** `auto` sends strict JSON schemas when they fit strict mode; `off` always sends JSON mode. */
  structuredOutputs?: StructuredOutputs;
  /** The SDK's own timeout, a backstop behind the engine's; 10 minutes by default. */
  timeoutMs?: number;
}

const defaultBaseURL = 'https://api.openai.com/v1';
/** The SDK refuses to start without a key; local servers need none and ignore this one. */
const keylessPlaceholder = 'no-key-needed';
const defaultTimeoutMs = 10 * 60_000;

interface Connection {
  sdk: OpenAISdk;
  client: OpenAI;
}

export function createOpenAIProvider(options: OpenAIProviderOptions = {}): ModelProvider {
  const id = options.id ?? 'openai';
  const env = options.env ?? process.env;
  const apiKey = nonEmpty(options.apiKey) ?? nonEmpty(env.OPENAI_API_KEY);
  const baseURL = nonEmpty(options.baseURL) ?? nonEmpty(env.OPENAI_BASE_URL);
  const customEndpoint = baseURL !== undefined && baseURL.replace(/\/+$/, '') !== defaultBaseURL;

  const checkConfiguration = (): ConfigurationCheck =>
    apiKey !== undefined || customEndpoint
      ? { ok: true }
      : {
          ok: false,
          message:
            'OPENAI_API_KEY is not set: export it, set OPENAI_BASE_URL for an OpenAI-compatible server, or pass --provider replay to play back fixtures',
        };

  let connection: Promise<Connection> | undefined;
  const connect = (modelId: string): Promise<Connection> => {
    const check = checkConfiguration();
    if (!check.ok) {
      const error = new ProviderCallError({
        provider: id,
        modelId,
        message: check.message,
        isRetryable: false,
      });
      return Promise.reject(error);
    }
    connection ??= import('openai').then((sdk) => ({
      sdk,
      client: new sdk.OpenAI({
        apiKey: apiKey ?? keylessPlaceholder,
        baseURL: baseURL ?? defaultBaseURL,
        // Passed explicitly so the SDK reads nothing from process.env behind `env`'s back.
        adminAPIKey: null,
        organization: nonEmpty(env.OPENAI_ORG_ID) ?? null,
        project: nonEmpty(env.OPENAI_PROJECT_ID) ?? null,
        maxRetries: 0,
        timeout: options.timeoutMs ?? defaultTimeoutMs,
      }),
    }));
    return connection;
  };

  const settings: ChatRequestSettings = {
    providerId: id,
    structuredOutputs: options.structuredOutputs ?? 'auto',
  };
  return {
    specificationVersion: 'v1',
    id,
    languageModel: (target: ModelTarget) =>
      new OpenAIChatModel(id, target.modelId, () => connect(target.modelId), settings),
    checkConfiguration,
  };
}

class OpenAIChatModel implements LanguageModel {
  readonly specificationVersion = 'v1';

  constructor(
    readonly provider: string,
    readonly modelId: string,
    private readonly connect: () => Promise<Connection>,
    private readonly settings: ChatRequestSettings,
  ) {}

  async doGenerate(options: CallOptions): Promise<GenerateResult> {
    const { body, warnings } = chatRequest(this.modelId, options, this.settings);
    const { sdk, client } = await this.connect();
    const signal = options.abortSignal;
    let completion: ChatCompletion;
    try {
      completion = await client.chat.completions.create(body, { signal });
    } catch (error) {
      throw callError(error, this.errorContext(sdk, signal));
    }
    return chatResult(completion, warnings);
  }

  async *doStream(options: CallOptions): AsyncGenerator<StreamPart> {
    const { body, warnings } = chatRequest(this.modelId, options, this.settings);
    const { sdk, client } = await this.connect();
    const signal = options.abortSignal;
    const context = this.errorContext(sdk, signal);
    const streaming = { ...body, stream: true as const, stream_options: { include_usage: true } };
    let chunks: AsyncIterator<ChatCompletionChunk>;
    try {
      const opened = await client.chat.completions.create(streaming, { signal }).withResponse();
      context.requestId = opened.request_id ?? undefined;
      chunks = opened.data[Symbol.asyncIterator]();
    } catch (error) {
      throw callError(error, context);
    }
    const assembler = new ChatStreamAssembler();
    try {
      for (;;) {
        let next: IteratorResult<ChatCompletionChunk>;
        try {
          next = await chunks.next();
        } catch (error) {
          throw callError(error, context);
        }
        if (next.done) break;
        const delta = assembler.add(next.value);
        if (delta !== undefined) yield { type: 'text-delta', delta };
      }
    } finally {
      // A consumer that stops early must not leave the HTTP response open.
      await chunks.return?.();
    }
    // The SDK ends a stream quietly when the signal aborts it.
    if (signal?.aborted) throw abortError(signal);
    if (!assembler.finished) throw droppedStreamError(context);
    for (const toolCall of assembler.toolCalls()) yield { type: 'tool-call', toolCall };
    yield { type: 'finish', result: assembler.result(warnings) };
  }

  private errorContext(sdk: OpenAISdk, signal: AbortSignal | undefined): CallErrorContext {
    return { provider: this.provider, modelId: this.modelId, sdk, signal };
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value?.trim() ? value.trim() : undefined;
}
