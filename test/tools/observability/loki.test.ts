/**
 * query_loki_logs against a loopback server speaking Loki's documented HTTP API
 * (no real Loki exists for this machine): the server refuses requests missing
 * query, limit or nanosecond start/end, so these tests also check the wire format.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createObservabilityTools } from '../../../src/tools/observability/index.js';
import {
  type LokiServer,
  type ScriptedStream,
  startLokiServer,
} from '../../support/loki-server.js';
import { asRecords, callTool, memoryArtifacts } from './tool-harness.js';

const now = new Date('2026-11-26T10:00:00.000Z');
const clock = () => now;
const nowNs = BigInt(now.getTime()) * 1_000_000n;
const secondNs = 1_000_000_000n;

/** `count` lines, one per second ending a second before now, numbered oldest first. */
function checkoutStream(count: number): ScriptedStream {
  return {
    labels: { service: 'checkout-api', level: 'error' },
    entries: Array.from({ length: count }, (_, index) => [
      nowNs - BigInt(count - index) * secondNs,
      `line ${index}: pool orders-db exhausted, waited 5000ms for a connection`,
    ]),
  };
}

const servers: LokiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function loki(
  streams: ScriptedStream[],
  options: { pathPrefix?: string; bearerToken?: string } = {},
) {
  const server = await startLokiServer({ streams, ...options });
  servers.push(server);
  return server;
}

const store = memoryArtifacts();

describe('query_loki_logs', () => {
  it('returns at most the default 100 lines, newest first, and says the limit was reached', async () => {
    const server = await loki([checkoutStream(150)]);
    const tools = createObservabilityTools({ loki: { url: server.url } }, { clock });
    const result = await callTool(
      tools,
      'query_loki_logs',
      { logql: '{service="checkout-api"}' },
      store.context(),
    );
    expect(server.requests[0]?.params.limit).toBe('100');
    expect(result).toMatchObject({
      limit: 100,
      lineCount: 100,
      totalLines: 100,
      direction: 'backward',
    });
    const lines = asRecords(result.lines);
    expect(lines[0]?.line).toMatch(/^line 149:/);
    expect(lines[0]?.time).toBe('2026-11-26T09:59:59.000000000Z');
    expect(lines.at(-1)?.line).toMatch(/^line 50:/);
    expect(result.notes).toContain(
      'the limit of 100 lines was reached: there may be more; narrow the window or the query, or raise limit (at most 1000)',
    );
  });

  it('honours an explicit limit and direction', async () => {
    const server = await loki([checkoutStream(20)]);
    const tools = createObservabilityTools({ loki: { url: server.url } }, { clock });
    const result = await callTool(
      tools,
      'query_loki_logs',
      { logql: '{service="checkout-api"}', limit: 5, direction: 'forward' },
      store.context(),
    );
    expect(server.requests[0]?.params).toMatchObject({ limit: '5', direction: 'forward' });
    expect(asRecords(result.lines).map((line) => String(line.line).split(':')[0])).toEqual([
      'line 0',
      'line 1',
      'line 2',
      'line 3',
      'line 4',
    ]);
  });

  it('refuses a limit above 1000 before asking Loki', async () => {
    const server = await loki([]);
    const tools = createObservabilityTools({ loki: { url: server.url } }, { clock });
    await expect(
      callTool(tools, 'query_loki_logs', { logql: '{service="x"}', limit: 5_000 }, store.context()),
    ).rejects.toThrow(/invalid input/);
    expect(server.requests).toHaveLength(0);
  });

  it('asks for the last hour in nanoseconds by default', async () => {
    const server = await loki([]);
    const tools = createObservabilityTools({ loki: { url: server.url } }, { clock });
    const result = await callTool(
      tools,
      'query_loki_logs',
      { logql: '{service="x"}' },
      store.context(),
    );
    expect(server.requests[0]?.params).toMatchObject({
      start: (nowNs - 3_600n * secondNs).toString(),
      end: nowNs.toString(),
    });
    expect(result).toMatchObject({
      start: '2026-11-26T09:00:00.000Z',
      lineCount: 0,
      streamCount: 0,
    });
  });

  it('cuts a window longer than the cap to its newest 24 h and says so', async () => {
    const server = await loki([]);
    const tools = createObservabilityTools({ loki: { url: server.url } }, { clock });
    const result = await callTool(
      tools,
      'query_loki_logs',
      { logql: '{service="x"}', startTime: 'now-7d', endTime: 'now' },
      store.context(),
    );
    expect(server.requests[0]?.params.start).toBe((nowNs - 86_400n * secondNs).toString());
    expect(result.notes).toContain(
      'window cut to the newest 24 h: asked from 2026-11-19T10:00:00.000Z',
    );
  });

  it('takes Grafana’s startRfc3339/endRfc3339 names too', async () => {
    const server = await loki([]);
    const tools = createObservabilityTools({ loki: { url: server.url } }, { clock });
    await callTool(
      tools,
      'query_loki_logs',
      {
        logql: '{service="x"}',
        startRfc3339: '2026-11-26T09:50:00Z',
        endRfc3339: '2026-11-26T09:55:00Z',
      },
      store.context(),
    );
    expect(server.requests[0]?.params).toMatchObject({
      start: (BigInt(Date.parse('2026-11-26T09:50:00Z')) * 1_000_000n).toString(),
      end: (BigInt(Date.parse('2026-11-26T09:55:00Z')) * 1_000_000n).toString(),
    });
  });

  it('cuts long lines and keeps each line’s stream labels, merging streams in time order', async () => {
    const long = 'x'.repeat(2_000);
    const server = await loki([
      { labels: { service: 'checkout-api', pod: 'a' }, entries: [[nowNs - 3n * secondNs, long]] },
      {
        labels: { service: 'checkout-api', pod: 'b' },
        entries: [[nowNs - 2n * secondNs, 'short']],
      },
      { labels: { service: 'payments', pod: 'c' }, entries: [[nowNs - secondNs, 'other service']] },
    ]);
    const tools = createObservabilityTools({ loki: { url: server.url } }, { clock });
    const result = await callTool(
      tools,
      'query_loki_logs',
      { logql: '{service="checkout-api"}' },
      store.context(),
    );
    const lines = asRecords(result.lines);
    expect(lines.map((line) => line.labels)).toEqual([
      { service: 'checkout-api', pod: 'b' },
      { service: 'checkout-api', pod: 'a' },
    ]);
    expect(lines[0]?.line).toBe('short');
    expect(lines[1]?.line).toBe(`${'x'.repeat(500)}… [1500 more characters]`);
    expect(result).toMatchObject({ streamCount: 2, lineCount: 2 });
    expect(result.notes).toContain('1 line cut to 500 characters');
  });

  it('keeps the full answer, uncut, as an artifact', async () => {
    const long = 'y'.repeat(1_200);
    const server = await loki([
      { labels: { service: 'checkout-api' }, entries: [[nowNs - secondNs, long]] },
    ]);
    const tools = createObservabilityTools({ loki: { url: server.url } }, { clock });
    const result = await callTool(
      tools,
      'query_loki_logs',
      { logql: '{service="checkout-api"}' },
      store.context({ toolCallId: 'call_logs' }),
    );
    expect(result.artifact).toBe('artifacts/loki-call_logs.json');
    const artifact = JSON.parse(store.files.get('artifacts/loki-call_logs.json') ?? '{}');
    expect(artifact.response.data.result[0].values[0][1]).toBe(long);
    expect(artifact.request.query).toBe('{service="checkout-api"}');
  });

  it('passes Loki’s own error text back', async () => {
    const server = await loki([]);
    const tools = createObservabilityTools({ loki: { url: server.url } }, { clock });
    await expect(
      callTool(tools, 'query_loki_logs', { logql: 'checkout-api' }, store.context()),
    ).rejects.toThrow(
      'Loki rejected the request (HTTP 400): parse error at line 1, col 1: syntax error: unexpected IDENTIFIER, expecting { or ( or vector',
    );
  });

  it('queries Loki through Grafana’s data-source proxy with the API key', async () => {
    const server = await loki([checkoutStream(3)], {
      pathPrefix: '/api/datasources/proxy/uid/loki',
      bearerToken: 'glsa_logs',
    });
    const grafanaUrl = new URL(server.url).origin;
    const tools = createObservabilityTools(
      { grafana: { url: grafanaUrl, apiKey: 'glsa_logs', lokiUid: 'loki' } },
      { clock },
    );
    const result = await callTool(
      tools,
      'query_loki_logs',
      { logql: '{service="checkout-api"}' },
      store.context(),
    );
    expect(result).toMatchObject({ datasource: 'Grafana data source "loki"', lineCount: 3 });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer glsa_logs');
  });
});
