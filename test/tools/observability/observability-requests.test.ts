/**
 * How the observability tools talk to their servers, checked against a loopback
 * server that records every request: auth headers, Grafana's proxy path, the
 * parameters sent, missing endpoints, timeouts and aborts.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../src/provider/spec.js';
import { createSchemaValidator } from '../../../src/schema/index.js';
import {
  createObservabilityTools,
  type ObservabilityConfig,
  type ObservabilityDeps,
} from '../../../src/tools/observability/index.js';
import { callTool, memoryArtifacts } from './tool-harness.js';

interface Recorded {
  path: string;
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
}

type Reply = { status: number; body: unknown } | 'hang';

const emptyVector = { status: 'success', data: { resultType: 'vector', result: [] } };

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()));
});

/** A server answering every request with `reply`, or holding it open (`hang`). */
async function recordingServer(
  reply: (path: string) => Reply = () => ({ status: 200, body: emptyVector }),
) {
  const requests: Recorded[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://server');
    requests.push({ path: url.pathname, params: url.searchParams, headers: request.headers });
    const answer = reply(url.pathname);
    if (answer === 'hang') {
      held.push(response);
      return;
    }
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      // A second close reports "not running": closed is what was asked for.
      server.close(() => resolve());
    });
  servers.push(close);
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close };
}

const store = memoryArtifacts();
const instant = { expr: 'up', queryType: 'instant' } as const;

function tools(config: ObservabilityConfig, deps: ObservabilityDeps = {}) {
  return createObservabilityTools(config, deps);
}

describe('observability tool requests', () => {
  it('sends a configured bearer token to Prometheus', async () => {
    const server = await recordingServer();
    const set = tools({ prometheus: { url: server.url, auth: { bearer: 'prom-token' } } });
    await callTool(set, 'query_prometheus', instant, store.context());
    expect(server.requests[0]?.headers.authorization).toBe('Bearer prom-token');
    expect(server.requests[0]?.path).toBe('/api/v1/query');
  });

  it('sends basic auth to Alertmanager', async () => {
    const server = await recordingServer(() => ({ status: 200, body: [] }));
    const set = tools({
      alertmanager: {
        url: server.url,
        auth: { basic: { username: 'oncall', password: 's3cret' } },
      },
    });
    await callTool(
      set,
      'list_alerts',
      { filter: 'service="checkout-api",severity=~"crit.*"' },
      store.context(),
    );
    const [request] = server.requests;
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from('oncall:s3cret').toString('base64')}`,
    );
    expect(request?.path).toBe('/api/v2/alerts');
    expect(request?.params.getAll('filter')).toEqual([
      'service="checkout-api"',
      'severity=~"crit.*"',
    ]);
  });

  it('goes through Grafana’s data-source proxy with the Grafana API key', async () => {
    const server = await recordingServer();
    const set = tools({
      grafana: { url: `${server.url}/`, apiKey: 'glsa_key', prometheusUid: 'prom' },
    });
    const result = await callTool(set, 'query_prometheus', instant, store.context());
    expect(server.requests[0]?.path).toBe('/api/datasources/proxy/uid/prom/api/v1/query');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer glsa_key');
    expect(result.datasource).toBe('Grafana data source "prom"');
  });

  it('picks a Prometheus by datasourceUid from the configured data sources', async () => {
    const main = await recordingServer();
    const eu = await recordingServer();
    const set = tools({ prometheus: { url: main.url, datasources: { 'prom-eu': eu.url } } });
    await callTool(
      set,
      'query_prometheus',
      { ...instant, datasourceUid: 'prom-eu' },
      store.context(),
    );
    expect(eu.requests).toHaveLength(1);
    expect(main.requests).toHaveLength(0);
    await expect(
      callTool(set, 'query_prometheus', { ...instant, datasourceUid: 'prom-us' }, store.context()),
    ).rejects.toThrow('query_prometheus: no Prometheus data source "prom-us"; configured: prom-eu');
  });

  it('sends range bounds from the injected clock and the chosen step', async () => {
    const server = await recordingServer(() => ({
      status: 200,
      body: { status: 'success', data: { resultType: 'matrix', result: [] } },
    }));
    const clock = () => new Date('2026-11-26T10:00:00Z');
    const set = tools({ prometheus: { url: server.url } }, { clock });
    const result = await callTool(
      set,
      'query_prometheus',
      { expr: 'up', queryType: 'range', startTime: 'now-15m' },
      store.context(),
    );
    const params = server.requests[0]?.params;
    expect(server.requests[0]?.path).toBe('/api/v1/query_range');
    expect(params?.get('start')).toBe(String(Date.parse('2026-11-26T09:45:00Z') / 1000));
    expect(params?.get('end')).toBe(String(Date.parse('2026-11-26T10:00:00Z') / 1000));
    expect(params?.get('step')).toBe('4');
    expect(result).toMatchObject({
      start: '2026-11-26T09:45:00.000Z',
      stepSeconds: 4,
      seriesCount: 0,
    });
  });

  it('names the environment variable to set when an endpoint is missing', async () => {
    const set = tools({});
    const context = store.context();
    await expect(callTool(set, 'query_prometheus', instant, context)).rejects.toThrow(
      'query_prometheus has no Prometheus to ask: set PROMETHEUS_URL (or tools.prometheus.url in the config file), or GRAFANA_URL with tools.grafana.prometheusUid',
    );
    await expect(callTool(set, 'list_alert_rules', {}, context)).rejects.toThrow(
      /set PROMETHEUS_URL/,
    );
    await expect(callTool(set, 'list_alerts', {}, context)).rejects.toThrow(/set PROMETHEUS_URL/);
    await expect(callTool(set, 'list_alerts', { source: 'alertmanager' }, context)).rejects.toThrow(
      /list_alerts has no Alertmanager to ask: set ALERTMANAGER_URL/,
    );
    await expect(callTool(set, 'query_loki_logs', { logql: '{app="x"}' }, context)).rejects.toThrow(
      /query_loki_logs has no Loki to ask: set LOKI_URL/,
    );
  });

  it('gives up after the request timeout with a message the model can act on', async () => {
    const server = await recordingServer(() => 'hang');
    const set = tools({ prometheus: { url: server.url } }, { limits: { requestTimeoutMs: 200 } });
    await expect(callTool(set, 'query_prometheus', instant, store.context())).rejects.toThrow(
      `Prometheus (${server.url}) did not answer within 0.2 s: try a narrower time range or a cheaper query`,
    );
  });

  it('stops at once when the run is aborted, passing the abort on', async () => {
    const server = await recordingServer(() => 'hang');
    const set = tools({ prometheus: { url: server.url } });
    const controller = new AbortController();
    const run = callTool(
      set,
      'query_prometheus',
      instant,
      store.context({ signal: controller.signal }),
    );
    while (server.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const reason = new Error('run cancelled');
    controller.abort(reason);
    await expect(run).rejects.toBe(reason);
  });

  it('says which server it cannot reach and what to check', async () => {
    const server = await recordingServer();
    await server.close();
    const set = tools({ loki: { url: server.url } });
    await expect(
      callTool(set, 'query_loki_logs', { logql: '{app="x"}' }, store.context()),
    ).rejects.toThrow(
      new RegExp(
        `cannot reach Loki at ${server.url} \\(.*\\): check LOKI_URL and that the server is up`,
      ),
    );
  });

  it('refuses input its schema forbids before sending anything', async () => {
    const server = await recordingServer();
    const set = tools({ prometheus: { url: server.url } });
    await expect(
      callTool(set, 'query_prometheus', { ...instant, query: 'up' }, store.context()),
    ).rejects.toThrow(/query_prometheus: invalid input/);
    expect(server.requests).toHaveLength(0);
  });

  it('advertises read-only tools with closed, described draft 2020-12 schemas', () => {
    const validator = createSchemaValidator();
    const set = tools({});
    expect(set.map((tool) => tool.name)).toEqual([
      'query_prometheus',
      'list_alert_rules',
      'list_alerts',
      'query_loki_logs',
    ]);
    for (const tool of set) {
      expect(tool.effect).toBe('read');
      expect(validator.compile(tool.inputSchema, tool.name)).toEqual({ ok: true });
      expect(tool.inputSchema.additionalProperties).toBe(false);
      const properties = tool.inputSchema.properties as Record<string, Record<string, JsonValue>>;
      for (const [name, property] of Object.entries(properties)) {
        expect(typeof property.description, `${tool.name}.${name}`).toBe('string');
      }
    }
  });
});
