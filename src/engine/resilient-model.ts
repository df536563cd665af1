/**
 * A LanguageModel wrapper that applies the retry policy: per-call timeout,
 * retries with backoff and jitter on retryable provider errors, `retry-after`
 * honoured up to a cap, and (optionally) streaming under the hood so long
 * replies keep the connection busy. Each retry is reported through `onRetry`.
 */
import { WarroomError } from '../errors.js';
import { ProviderCallError } from '../provider/errors.js';
import type { CallOptions, GenerateResult, LanguageModel, StreamPart } from '../provider/spec.js';
import { backoffDelay, type RetryPolicy } from './retry-policy.js';

export interface RetryNotice {
  /** The turn of the subtask whose call is retried, from its call label. */
  turn?: number;
  attempt: number;
  delayMs: number;
  reason: string;
  statusCode?: number;
}

export interface ResilienceOptions {
  policy: RetryPolicy;
  /** Use doStream and assemble the result (for providers that stream). */
  stream?: boolean;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onRetry?: (notice: RetryNotice) => void | Promise<void>;
}

function abortError(): Error {
  const error = new Error('the call was aborted');
  error.name = 'AbortError';
  return error;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function collectStream(stream: AsyncIterable<StreamPart>): Promise<GenerateResult> {
  for await (const part of stream) if (part.type === 'finish') return part.result;
  throw new Error('the stream ended without a finish part');
}

export function withResilience(model: LanguageModel, options: ResilienceOptions): LanguageModel {
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  const { policy } = options;

  const attemptOnce = async (call: CallOptions): Promise<GenerateResult> => {
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const signal = call.abortSignal ? AbortSignal.any([call.abortSignal, timeout]) : timeout;
    try {
      const attempt = { ...call, abortSignal: signal };
      return options.stream
        ? await collectStream(model.doStream(attempt))
        : await model.doGenerate(attempt);
    } catch (error) {
      if (timeout.aborted && !call.abortSignal?.aborted) {
        throw new ProviderCallError({
          provider: model.provider,
          modelId: model.modelId,
          message: `${model.provider}/${model.modelId} did not answer within ${policy.timeoutMs} ms`,
          isRetryable: true,
          cause: error,
          ...(call.callLabel ? { subtask: call.callLabel.subtask } : {}),
        });
      }
      throw error;
    }
  };

  const generate = async (call: CallOptions): Promise<GenerateResult> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await attemptOnce(call);
      } catch (error) {
        const delayMs = retryDelay(error, attempt, policy, random, model);
        if (delayMs === undefined) throw error;
        await options.onRetry?.({
          ...(call.callLabel ? { turn: call.callLabel.turn } : {}),
          attempt,
          delayMs,
          reason: firstLine(error),
          ...statusOf(error),
        });
        await sleep(delayMs, call.abortSignal);
      }
    }
  };

  return {
    specificationVersion: 'v1',
    provider: model.provider,
    modelId: model.modelId,
    doGenerate: generate,
    doStream: (call) => model.doStream(call),
  };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

function statusOf(error: unknown): { statusCode?: number } {
  return ProviderCallError.isInstance(error) && error.statusCode !== undefined
    ? { statusCode: error.statusCode }
    : {};
}

/** The wait before the next attempt, or undefined when the error must not be retried. */
function retryDelay(
  error: unknown,
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
  model: LanguageModel,
): number | undefined {
  if (!ProviderCallError.isInstance(error) || !error.isRetryable) return undefined;
  if (attempt >= policy.maxAttempts) {
    if (attempt === 1) return undefined;
    throw new WarroomError({
      code: error.code,
      message: `${error.message} (gave up after ${attempt} attempts)`,
      cause: error,
      ...(error.context.subtask !== undefined ? { subtask: error.context.subtask } : {}),
    });
  }
  if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs) {
    throw new WarroomError({
      code: error.code,
      message: `${model.provider} asked to wait ${Math.ceil(error.retryAfterMs / 1000)} s before retrying, more than the ${Math.ceil(policy.maxRetryAfterMs / 1000)} s cap (--max-retry-wait): ${firstLine(error)}`,
      cause: error,
    });
  }
  return error.retryAfterMs ?? backoffDelay(policy, attempt, random);
}
