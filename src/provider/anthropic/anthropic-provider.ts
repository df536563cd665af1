/**
 * The `anthropic` provider: the Messages API through the official SDK. It translates
 * and nothing more (request in, result or one wrapped error out). The SDK loads on
 * the first call, so building the provider or validating a chain needs neither the
 * SDK nor a key; its retries are off because the engine owns retries, and its timeout
 * is a generous backstop because the engine times calls out through `abortSignal`.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { WarroomError } from '../../errors.js';
import { throwIfAborted } from '../abort.js';
import type { CallOptions, ConfigurationCheck, LanguageModel, ModelProvider } from '../spec.js';
import { anthropicStreamParts } from './anthropic-stream-parts.js';
import { toAnthropicRequest } from './to-anthropic-request.js';
import { replyOfMessage, toGenerateResult } from './to-generate-result.js';
import { wrapAnthropicError } from './wrap-anthropic-error.js';

export interface AnthropicProviderOptions {
  /** Defaults to `ANTHROPIC_API_KEY` from `env`. */
  apiKey?: string;
  /** Defaults to `ANTHROPIC_BASE_URL` from `env`, then the SDK's default endpoint. */
  baseURL?: string;
  /** Where the key and endpoint are read from; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** `max_tokens` when a call sets no `maxOutputTokens` (the API requires one); 4096. */
  defaultMaxOutputTokens?: number;
  /** The SDK's own per-request timeout, a backstop behind the engine's; 10 minutes. */
  timeoutMs?: number;
}

const providerId = 'anthropic';
const defaultTimeoutMs = 10 * 60 * 1000;
const missingKey =
  'ANTHROPIC_API_KEY is not set: export it, or pass --provider replay to play back fixtures';

export function createAnthropicProvider(options: AnthropicProviderOptions = {}): ModelProvider {
  const env = options.env ?? process.env;
  const apiKey = (): string | undefined => options.apiKey || env.ANTHROPIC_API_KEY || undefined;
  let client: Promise<Anthropic> | undefined;
  const connect = (): Promise<Anthropic> => {
    const key = apiKey();
    if (key === undefined) {
      throw new WarroomError({ code: 'PROVIDER_CALL', message: missingKey, userError: true });
    }
    if (client === undefined) {
      client = loadClient(key, options.baseURL || env.ANTHROPIC_BASE_URL || null, options);
      // A failed load (a broken install) must not stick: the next call tries again.
      client.catch(() => {
        client = undefined;
      });
    }
    return client;
  };
  return {
    specificationVersion: 'v1',
    id: providerId,
    languageModel: (target) =>
      anthropicModel(target.modelId, connect, options.defaultMaxOutputTokens),
    checkConfiguration(): ConfigurationCheck {
      return apiKey() === undefined ? { ok: false, message: missingKey } : { ok: true };
    },
  };
}

async function loadClient(
  apiKey: string,
  baseURL: string | null,
  options: AnthropicProviderOptions,
): Promise<Anthropic> {
  const sdk = await import('@anthropic-ai/sdk');
  // `null` (not undefined) keeps the SDK from reading ANTHROPIC_BASE_URL from
  // process.env behind an explicit `env`.
  return new sdk.Anthropic({
    apiKey,
    baseURL,
    maxRetries: 0,
    timeout: options.timeoutMs ?? defaultTimeoutMs,
  });
}

function anthropicModel(
  modelId: string,
  connect: () => Promise<Anthropic>,
  defaultMaxOutputTokens: number | undefined,
): LanguageModel {
  const prepare = async (call: CallOptions) => {
    throwIfAborted(call.abortSignal);
    const request = toAnthropicRequest(call, { modelId, defaultMaxOutputTokens });
    const anthropic = await connect();
    throwIfAborted(call.abortSignal);
    return { request, anthropic, requestOptions: { signal: call.abortSignal ?? null } };
  };
  return {
    specificationVersion: 'v1',
    provider: providerId,
    modelId,
    async doGenerate(call) {
      const { request, anthropic, requestOptions } = await prepare(call);
      try {
        const message = await anthropic.messages.create(
          { ...request.body, stream: false },
          requestOptions,
        );
        return toGenerateResult(
          replyOfMessage(message),
          request.structuredOutputTool,
          request.warnings,
        );
      } catch (error) {
        throw wrapAnthropicError(error, { modelId, signal: call.abortSignal });
      }
    },
    async *doStream(call) {
      const { request, anthropic, requestOptions } = await prepare(call);
      try {
        const events = await anthropic.messages.create(
          { ...request.body, stream: true },
          requestOptions,
        );
        yield* anthropicStreamParts(events, {
          modelId,
          signal: call.abortSignal,
          structuredOutputTool: request.structuredOutputTool,
          warnings: request.warnings,
        });
      } catch (error) {
        throw wrapAnthropicError(error, { modelId, signal: call.abortSignal });
      }
    },
  };
}
