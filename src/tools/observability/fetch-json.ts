/**
 * One GET against an observability API, bounded in time, cancelled with the run,
 * and failing with a message the model can act on. Server errors are passed on
 * verbatim (Prometheus' `errorType`/`error`, Loki's text): the model fixes a
 * query best from the server's own words.
 */
import type { DatasourceEndpoint } from './datasource-endpoint.js';

export interface FetchJsonOptions {
  fetch: typeof fetch;
  signal: AbortSignal;
  timeoutMs: number;
}

/** A server answered with an error; `serverError` is its message as sent. */
export class ObservabilityServerError extends Error {
  readonly status: number;
  readonly errorType: string | null;
  readonly serverError: string;

  constructor(
    endpoint: DatasourceEndpoint,
    status: number,
    errorType: string | null,
    text: string,
  ) {
    const kind = errorType === null ? `HTTP ${status}` : `${errorType}, HTTP ${status}`;
    super(`${endpoint.service} rejected the request (${kind}): ${text}`);
    this.name = 'ObservabilityServerError';
    this.status = status;
    this.errorType = errorType;
    this.serverError = text;
  }
}

const maxErrorChars = 2_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Prometheus: `{status:'error', errorType, error}`; Loki 3: `{message}`; older Loki: plain text. */
function serverErrorOf(
  endpoint: DatasourceEndpoint,
  status: number,
  body: unknown,
  text: string,
): ObservabilityServerError {
  if (isRecord(body)) {
    const message = typeof body.error === 'string' ? body.error : body.message;
    if (typeof message === 'string') {
      const errorType = typeof body.errorType === 'string' ? body.errorType : null;
      return new ObservabilityServerError(endpoint, status, errorType, message);
    }
  }
  const trimmed = text.trim();
  const shown =
    trimmed.length > maxErrorChars ? `${trimmed.slice(0, maxErrorChars)}… (truncated)` : trimmed;
  return new ObservabilityServerError(endpoint, status, null, shown || '(empty body)');
}

export function endpointUrl(
  endpoint: DatasourceEndpoint,
  path: string,
  params: URLSearchParams,
): URL {
  const url = new URL(`${endpoint.baseUrl}${path}`);
  url.search = params.toString();
  return url;
}

export async function fetchJson(
  endpoint: DatasourceEndpoint,
  path: string,
  params: URLSearchParams,
  options: FetchJsonOptions,
): Promise<unknown> {
  const url = endpointUrl(endpoint, path, params);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  let status: number;
  let text: string;
  try {
    const response = await options.fetch(url, {
      headers: { accept: 'application/json', ...endpoint.headers },
      signal,
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    // The run's own abort ends the subtask: pass it on untouched, it is not a tool error.
    if (options.signal.aborted) throw options.signal.reason ?? error;
    if (timeout.aborted) {
      throw new Error(
        `${endpoint.service} (${endpoint.label}) did not answer within ${options.timeoutMs / 1000} s: try a narrower time range or a cheaper query`,
      );
    }
    const reason = error instanceof Error ? (error.cause ?? error) : error;
    const detail = reason instanceof Error ? reason.message : String(reason);
    throw new Error(
      `cannot reach ${endpoint.service} at ${endpoint.label} (${detail}): check ${endpoint.envVar} and that the server is up`,
      { cause: error },
    );
  }
  const body = parseBody(text);
  if (status < 200 || status >= 300) throw serverErrorOf(endpoint, status, body, text);
  if (isRecord(body) && body.status === 'error') throw serverErrorOf(endpoint, status, body, text);
  if (body === undefined) {
    throw new Error(
      `${endpoint.service} at ${endpoint.label} answered ${url.pathname} with a body that is not JSON: is ${endpoint.envVar} the ${endpoint.service} API URL?`,
    );
  }
  return body;
}
