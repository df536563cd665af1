/**
 * Wraps whatever the SDK throws, once, into what the engine's retry policy reads:
 * a `ProviderCallError` (status, retryable or not, how long to wait, request id), or
 * an `AbortError` when the caller's signal fired. The SDK's own retries are off, so
 * every field here describes exactly one HTTP attempt.
 *
 * Errors are recognised by shape and name, not `instanceof`, so a second copy of the
 * SDK in node_modules cannot slip past as an unknown error.
 */
import { abortError } from '../abort.js';
import { ProviderCallError } from '../errors.js';

/** The fields of the SDK's `APIError` this module reads. */
interface SdkApiError extends Error {
  status: number | undefined;
  headers: Headers | undefined;
  /** The parsed error body: `{type: 'error', error: {type, message, details}, request_id}`. */
  error: unknown;
  requestID?: string | null;
  apiMessage?: string | null;
  type?: string | null;
  errorCode?: string | null;
}

export interface WrapContext {
  modelId: string;
  signal: AbortSignal | undefined;
}

interface FailureDetails {
  statusCode?: number;
  retryAfterMs?: number;
  requestId?: string;
}

/** Error types a stream's `event: error` carries that clear up on their own. */
const transientErrorTypes = new Set([
  'overloaded_error',
  'api_error',
  'rate_limit_error',
  'timeout_error',
]);

export function wrapAnthropicError(error: unknown, context: WrapContext): Error {
  if (context.signal?.aborted) return abortError(context.signal);
  if (ProviderCallError.isInstance(error)) return error;
  const fail = (message: string, isRetryable: boolean, extra: FailureDetails = {}) =>
    new ProviderCallError({
      provider: 'anthropic',
      modelId: context.modelId,
      message: `anthropic ${context.modelId}: ${message}`,
      isRetryable,
      statusCode: extra.statusCode,
      retryAfterMs: extra.retryAfterMs,
      requestId: extra.requestId,
      cause: error,
    });
  if (!isSdkApiError(error)) {
    // Past the response headers the SDK lets fetch's own errors through: a socket
    // reset mid-body surfaces as a TypeError ('terminated') or a Node network code.
    return isNetworkFailure(error)
      ? fail(`the connection failed mid-response (${describe(error)}); retry`, true)
      : fail(`the SDK failed: ${describe(error)}`, false);
  }
  switch (error.name) {
    case 'APIUserAbortError':
      return new DOMException('The model call was aborted.', 'AbortError');
    case 'APIConnectionTimeoutError':
      return fail('the request timed out (SDK timeout); retry', true);
    case 'APIConnectionError':
      return fail(`could not reach the API (${describe(error.cause ?? error)}); retry`, true);
  }
  const requestId = error.requestID ?? bodyRequestId(error.error) ?? undefined;
  const detail = `${error.type ?? 'error'}: ${error.apiMessage ?? error.message}`;
  if (error.status === undefined) {
    // An `event: error` in a stream that started as 200: only its type tells.
    const retryable = !isSpendLimit(error) && transientErrorTypes.has(error.type ?? '');
    return fail(`the stream failed with ${detail}`, retryable, { requestId });
  }
  const status = error.status;
  const spendLimit = status === 429 && isSpendLimit(error);
  return fail(`HTTP ${status} ${detail}${advice(status, spendLimit)}`, retryable(error, status), {
    statusCode: status,
    retryAfterMs: retryAfterMs(error.headers),
    requestId,
  });
}

function retryable(error: SdkApiError, status: number): boolean {
  if (status === 429 && isSpendLimit(error)) return false;
  // The API's explicit word beats the status-code rule, as it does in the SDK.
  const header = error.headers?.get('x-should-retry');
  if (header === 'true') return true;
  if (header === 'false') return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** A spend limit does not clear by waiting minutes, unlike a rate limit. */
function isSpendLimit(error: SdkApiError): boolean {
  if (error.errorCode?.endsWith('_spend_limit_reached')) return true;
  return /spend limit|usage limit|spend_limit/i.test(error.apiMessage ?? error.message);
}

function advice(status: number, spendLimit: boolean): string {
  if (spendLimit) return ' (the spend limit is reached: raise it in the Anthropic Console)';
  if (status === 401) return ' (check ANTHROPIC_API_KEY)';
  if (status === 403) return ' (the API key may not use this model or workspace)';
  if (status === 404) return ' (check the model id and ANTHROPIC_BASE_URL)';
  return '';
}

/**
 * `retry-after-ms` first (finer), then `retry-after` as seconds or an HTTP date.
 * Not capped: how long to wait at most is the engine's policy.
 */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const milliseconds = headers?.get('retry-after-ms')?.trim();
  if (milliseconds && /^\d+(\.\d+)?$/.test(milliseconds)) return Number(milliseconds);
  const after = headers?.get('retry-after')?.trim();
  if (!after) return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Number(after) * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isSdkApiError(value: unknown): value is SdkApiError {
  return value instanceof Error && 'status' in value && 'headers' in value && 'error' in value;
}

function bodyRequestId(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('request_id' in body)) return undefined;
  return typeof body.request_id === 'string' ? body.request_id : undefined;
}

const networkCodes = /^(E[A-Z]+|UND_ERR_\w+)$/;

function isNetworkFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    if (current instanceof TypeError) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && networkCodes.test(code)) return true;
    current = current.cause;
  }
  return false;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
