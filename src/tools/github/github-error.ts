/**
 * Octokit's errors, made into messages a model (and an operator reading the run
 * log) can act on: the HTTP status, the request, GitHub's own message and its
 * validation details, and a hint for the statuses with a known fix.
 */

/** A GitHub API call that failed; the agent loop turns it into an error tool result. */
export class GitHubRequestError extends Error {
  /** The HTTP status, or undefined when no response came back (network, abort). */
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined, cause: unknown) {
    super(message, { cause });
    this.name = 'GitHubRequestError';
    this.status = status;
  }
}

type Fields = { readonly [key: string]: unknown };

function fieldsOf(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null ? (value as Fields) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `Label.color invalid`, or GitHub's own sentence when it sends one. */
function describeValidation(errors: unknown): string {
  if (!Array.isArray(errors)) return '';
  const parts = errors.slice(0, 5).map((entry: unknown) => {
    const fields = fieldsOf(entry);
    if (fields === undefined) return String(entry);
    const message = text(fields.message);
    if (message !== undefined) return message;
    const where = [text(fields.resource), text(fields.field)].filter(Boolean).join('.');
    return [where, text(fields.code)].filter(Boolean).join(' ');
  });
  return parts.length === 0 ? '' : ` (${parts.join('; ')})`;
}

function header(headers: Fields | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function hintFor(status: number, headers: Fields | undefined, authenticated: boolean): string {
  if (status === 401) return ' The token was refused: check GITHUB_TOKEN (or tools.github.token).';
  const remaining = header(headers, 'x-ratelimit-remaining');
  if ((status === 403 || status === 429) && remaining === '0') {
    const reset = Number(header(headers, 'x-ratelimit-reset'));
    const at = Number.isFinite(reset) ? ` until ${new Date(reset * 1000).toISOString()}` : '';
    return ` The API rate limit is used up${at}.${authenticated ? '' : ' Set GITHUB_TOKEN for a higher limit.'}`;
  }
  if (status === 404) {
    return authenticated
      ? ' It does not exist, or the token cannot see it.'
      : ' It does not exist, or it is private: set GITHUB_TOKEN to read private repositories.';
  }
  return '';
}

/**
 * The request as `GET /repos/o/r/commits`: the route below the base URL (a GitHub
 * Enterprise `/api/v3` prefix is noise to the model), without the query.
 */
function describeRequest(request: Fields | undefined, baseUrl: string): string {
  const method = text(request?.method) ?? '';
  const url = text(request?.url);
  if (url === undefined) return method;
  const route = url.startsWith(baseUrl) ? url.slice(baseUrl.length) : url;
  return `${method} ${route.replace(/[?#].*$/, '')}`.trim();
}

export interface ErrorSetting {
  authenticated: boolean;
  /** The API root every request URL starts with, without a trailing slash. */
  baseUrl: string;
}

export function toGitHubRequestError(error: unknown, setting: ErrorSetting): GitHubRequestError {
  if (error instanceof GitHubRequestError) return error;
  const fields = fieldsOf(error);
  const status = typeof fields?.status === 'number' ? fields.status : undefined;
  const response = fieldsOf(fields?.response);
  const request = describeRequest(fieldsOf(fields?.request), setting.baseUrl);
  const fallback = error instanceof Error ? error.message : String(error);
  if (status === undefined || response === undefined) {
    return new GitHubRequestError(`GitHub request failed (${request}): ${fallback}`, status, error);
  }
  const data = fieldsOf(response.data);
  const message = text(data?.message) ?? text(data?.error) ?? fallback;
  const headers = fieldsOf(response.headers);
  const sentence = `${message}${describeValidation(data?.errors)}`.replace(/[.!]?$/, '.');
  return new GitHubRequestError(
    `GitHub ${status} (${request}): ${sentence}${hintFor(status, headers, setting.authenticated)}`,
    status,
    error,
  );
}
