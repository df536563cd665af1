/**
 * SDK failures → one `ProviderCallError`, wrapped once at the boundary, with what
 * the engine's retry policy needs: retryable or not, and how long to wait. An
 * aborted call is not a failure: it rejects with an error named `AbortError`.
 */
import type { APIError } from 'openai';
import { ProviderCallError } from '../errors.js';

export type OpenAISdk = typeof import('openai');

export interface CallErrorContext {
  provider: string;
  modelId: string;
  sdk: OpenAISdk;
  signal: AbortSignal | undefined;
  /** The `x-request-id` of a response that had already started. */
  requestId?: string | undefined;
}

export function callError(error: unknown, context: CallErrorContext): Error {
  const { sdk, signal } = context;
  // The SDK turns our abort into its own error, or (mid-stream) into a quiet end.
  if (signal?.aborted || error instanceof sdk.APIUserAbortError) return abortError(signal);
  if (error instanceof sdk.APIConnectionError) {
    const timedOut = error instanceof sdk.APIConnectionTimeoutError;
    return wrap(context, error, {
      isRetryable: true,
      detail: timedOut ? 'the request timed out' : `could not connect (${causeText(error)})`,
    });
  }
  if (error instanceof sdk.APIError) {
    return error.status === undefined
      ? streamErrorEvent(error, context)
      : statusError(error, context);
  }
  if (error instanceof sdk.OpenAIError) {
    return wrap(context, error, { isRetryable: false, detail: error.message });
  }
  // Anything else came from under the SDK while reading the body: the connection
  // broke off (a socket closed, a truncated chunk), which a new attempt may not hit.
  return droppedStreamError(context, error);
}

export function droppedStreamError(context: CallErrorContext, cause?: unknown): ProviderCallError {
  const reason = cause === undefined ? 'it ended without a finish reason' : causeText(cause);
  return wrap(context, cause, {
    isRetryable: true,
    detail: `the response broke off mid-way (${reason})`,
  });
}

export function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('The model call was aborted.', 'AbortError');
}

function statusError(error: APIError, context: CallErrorContext): ProviderCallError {
  const status = error.status ?? 0;
  // A 429 for an empty balance looks like a rate limit but never clears on its own.
  const outOfQuota = error.code === 'insufficient_quota' || error.type === 'insufficient_quota';
  const isRetryable =
    !outOfQuota && (status === 408 || status === 409 || status === 429 || status >= 500);
  const retryAfter = isRetryable && error.headers ? retryAfterMs(error.headers, status) : undefined;
  return wrap(context, error, {
    statusCode: status,
    isRetryable,
    retryAfterMs: retryAfter,
    requestId: error.requestID ?? undefined,
    detail: `${error.message}${hintFor(status, outOfQuota)}`,
  });
}

/** An `error` object sent inside a 200 stream: the server gave up part-way. */
function streamErrorEvent(error: APIError, context: CallErrorContext): ProviderCallError {
  const isRetryable = error.type !== 'invalid_request_error' && error.code !== 'insufficient_quota';
  return wrap(context, error, {
    isRetryable,
    requestId: error.requestID ?? undefined,
    detail: `the stream reported an error: ${error.message}`,
  });
}

function hintFor(status: number, outOfQuota: boolean): string {
  if (outOfQuota) {
    return ' (the account is out of credit or over its spend limit: add credit or raise the limit; retrying will not help)';
  }
  if (status === 401) {
    return ' (check the API key: OPENAI_API_KEY, or --provider replay to play back fixtures)';
  }
  if (status === 403) return ' (the key has no access to this model, project or region)';
  if (status === 404) {
    return ' (check the model id, and the base URL for an OpenAI-compatible server)';
  }
  return '';
}

interface WrapDetails {
  detail: string;
  isRetryable: boolean;
  statusCode?: number;
  retryAfterMs?: number | undefined;
  requestId?: string | undefined;
}

function wrap(context: CallErrorContext, cause: unknown, details: WrapDetails): ProviderCallError {
  return new ProviderCallError({
    provider: context.provider,
    modelId: context.modelId,
    message: `The ${context.provider} call to model '${context.modelId}' failed: ${details.detail}`,
    statusCode: details.statusCode,
    isRetryable: details.isRetryable,
    retryAfterMs: details.retryAfterMs,
    requestId: details.requestId ?? context.requestId,
    cause,
  });
}

function causeText(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * How long the server asked us to wait: `retry-after-ms`, else `retry-after`
 * (seconds or an HTTP date), else — for a 429 — when the exhausted limit resets.
 */
export function retryAfterMs(
  headers: Headers,
  status: number,
  now = Date.now(),
): number | undefined {
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number.parseFloat(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  if (status !== 429) return undefined;
  const resets = (['requests', 'tokens'] as const).flatMap((limit) =>
    headers.get(`x-ratelimit-remaining-${limit}`) === '0'
      ? [parseResetDuration(headers.get(`x-ratelimit-reset-${limit}`))]
      : [],
  );
  const known = resets.filter((reset): reset is number => reset !== undefined);
  return known.length > 0 ? Math.max(...known) : undefined;
}

const durationUnits: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** OpenAI's reset durations: `1s`, `6m0s`, `20ms`, `1h2m3.5s`. */
export function parseResetDuration(value: string | null): number | undefined {
  if (!value || !/^(\d+(\.\d+)?(h|ms|m|s))+$/.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) {
    total += Number.parseFloat(amount ?? '0') * (durationUnits[unit ?? ''] ?? 0);
  }
  return total;
}
