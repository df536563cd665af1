/**
 * A loopback server speaking Loki's documented HTTP API for log queries
 * (GET /loki/api/v1/query_range → `{status, data: {resultType: 'streams',
 * result: [{stream, values: [[ns, line]]}]}}`) over scripted log lines. There is
 * no real Loki on this machine (see TOOLCHAIN.md), so it is strict instead: a
 * request missing `query`, `limit`, or `start`/`end` in nanoseconds is refused,
 * and the requests it received are kept for assertions.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedStream {
  labels: Record<string, string>;
  /** `[nanoseconds since the epoch, line]`, as Loki stores them. */
  entries: Array<[bigint, string]>;
}

export interface LokiServerOptions {
  streams: ScriptedStream[];
  /** Served under this path, e.g. `/api/datasources/proxy/uid/loki` to look like Grafana's proxy. */
  pathPrefix?: string;
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  bearerToken?: string;
}

export interface RecordedLokiRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
}

export interface LokiServer {
  url: string;
  requests: RecordedLokiRequest[];
  close(): Promise<void>;
}

const knownParams = new Set(['query', 'limit', 'start', 'end', 'direction', 'step', 'interval']);

interface Matcher {
  name: string;
  operator: string;
  value: string;
}

interface ParsedQuery {
  matchers: Matcher[];
  filters: Array<{ operator: string; value: string }>;
}

class LogQlError extends Error {}

/** The part of LogQL the scripted lines need: a selector and line filters. */
function parseLogQl(query: string): ParsedQuery {
  const selector = /^\s*\{([^}]*)\}/.exec(query);
  if (selector === null) {
    throw new LogQlError(
      `parse error at line 1, col 1: syntax error: unexpected IDENTIFIER, expecting { or ( or vector`,
    );
  }
  const matchers: Matcher[] = [];
  for (const part of (selector[1] ?? '').split(',').filter((item) => item.trim() !== '')) {
    const match = /^\s*([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*"([^"]*)"\s*$/.exec(part);
    if (match === null)
      throw new LogQlError(`parse error : syntax error: unexpected ${part.trim()}`);
    matchers.push({ name: match[1] ?? '', operator: match[2] ?? '', value: match[3] ?? '' });
  }
  if (!matchers.some((matcher) => matcher.operator === '=' && matcher.value !== '')) {
    throw new LogQlError(
      'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will',
    );
  }
  const filters: ParsedQuery['filters'] = [];
  let rest = query.slice(selector[0].length);
  while (rest.trim() !== '') {
    const filter = /^\s*(\|=|!=|\|~|!~)\s*"([^"]*)"/.exec(rest);
    if (filter === null)
      throw new LogQlError(`parse error : syntax error: unexpected ${rest.trim()}`);
    filters.push({ operator: filter[1] ?? '', value: filter[2] ?? '' });
    rest = rest.slice(filter[0].length);
  }
  return { matchers, filters };
}

function matches(matcher: Matcher, labels: Record<string, string>): boolean {
  const actual = labels[matcher.name] ?? '';
  const regex = new RegExp(`^(?:${matcher.value})$`);
  switch (matcher.operator) {
    case '=':
      return actual === matcher.value;
    case '!=':
      return actual !== matcher.value;
    case '=~':
      return regex.test(actual);
    default:
      return !regex.test(actual);
  }
}

function keepLine(filters: ParsedQuery['filters'], line: string): boolean {
  return filters.every(({ operator, value }) => {
    if (operator === '|=') return line.includes(value);
    if (operator === '!=') return !line.includes(value);
    const found = new RegExp(value).test(line);
    return operator === '|~' ? found : !found;
  });
}

/** Checks the request the way Loki would; returns the reason it would refuse it. */
function invalidParams(params: URLSearchParams): string | undefined {
  for (const name of params.keys()) {
    if (!knownParams.has(name)) return `unknown parameter "${name}"`;
  }
  if (!params.get('query')) return 'query parameter is required';
  const limit = params.get('limit');
  if (limit === null || !/^[1-9]\d*$/.test(limit))
    return `invalid limit "${limit}": a positive integer is required`;
  for (const name of ['start', 'end']) {
    const value = params.get(name);
    // Seconds or milliseconds here mean the client got the unit wrong.
    if (value === null || !/^\d{18,19}$/.test(value)) {
      return `invalid ${name} "${value}": nanoseconds since the epoch are required`;
    }
  }
  if (BigInt(params.get('end') ?? '0') < BigInt(params.get('start') ?? '0')) {
    return 'the end timestamp must not be before the start time';
  }
  const direction = params.get('direction');
  if (direction !== null && direction !== 'forward' && direction !== 'backward') {
    return `invalid direction "${direction}"`;
  }
  return undefined;
}

function answer(options: LokiServerOptions, params: URLSearchParams): unknown {
  const query = parseLogQl(params.get('query') ?? '');
  const start = BigInt(params.get('start') ?? '0');
  const end = BigInt(params.get('end') ?? '0');
  const limit = Number(params.get('limit'));
  const backward = (params.get('direction') ?? 'backward') === 'backward';
  const lines = options.streams
    .filter((stream) => query.matchers.every((matcher) => matches(matcher, stream.labels)))
    .flatMap((stream) =>
      stream.entries
        .filter(([time, line]) => time >= start && time < end && keepLine(query.filters, line))
        .map(([time, line]) => ({ stream, time, line })),
    )
    .sort((left, right) => {
      const order = left.time < right.time ? -1 : left.time > right.time ? 1 : 0;
      return backward ? -order : order;
    })
    .slice(0, limit);
  const byStream = new Map<ScriptedStream, Array<[string, string]>>();
  for (const { stream, time, line } of lines) {
    const values = byStream.get(stream) ?? [];
    values.push([time.toString(), line]);
    byStream.set(stream, values);
  }
  return {
    status: 'success',
    data: {
      resultType: 'streams',
      result: [...byStream].map(([stream, values]) => ({ stream: stream.labels, values })),
      stats: { summary: { totalLinesProcessed: lines.length } },
    },
  };
}

export async function startLokiServer(options: LokiServerOptions): Promise<LokiServer> {
  const requests: RecordedLokiRequest[] = [];
  const prefix = options.pathPrefix ?? '';
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://loki');
    requests.push({
      method: request.method ?? '',
      path: url.pathname,
      params: Object.fromEntries(url.searchParams),
      headers: request.headers,
    });
    const fail = (status: number, text: string) => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`${text}\n`);
    };
    if (options.bearerToken !== undefined) {
      if (request.headers.authorization !== `Bearer ${options.bearerToken}`) {
        fail(401, 'unauthorized');
        return;
      }
    }
    if (url.pathname !== `${prefix}/loki/api/v1/query_range`) {
      fail(404, '404 page not found');
      return;
    }
    if (request.method !== 'GET') {
      fail(405, 'method not allowed');
      return;
    }
    const problem = invalidParams(url.searchParams);
    if (problem !== undefined) {
      fail(400, problem);
      return;
    }
    try {
      const body = answer(options, url.searchParams);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    } catch (error) {
      if (error instanceof LogQlError) fail(400, error.message);
      else fail(500, error instanceof Error ? error.message : String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
