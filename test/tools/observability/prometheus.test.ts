/**
 * The Prometheus-side tools against a real Prometheus and Alertmanager scraping
 * the incident simulator: the simulator plays healthy traffic, then a database
 * pool exhaustion; once CheckoutDbPoolExhausted fires (in Prometheus and in
 * Alertmanager), each tool's answer is checked against what the simulator emitted.
 * One Prometheus serves the whole file, under Grafana's data-source proxy path so
 * the same server also answers as `<grafana>/api/datasources/proxy/uid/prom`.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IncidentSimulator, startIncidentSimulator } from '../../../src/simulator/index.js';
import type { Tool } from '../../../src/tools/index.js';
import { createObservabilityTools } from '../../../src/tools/observability/index.js';
import {
  pollUntil,
  type RunningServer,
  startAlertmanager,
  startPrometheus,
} from '../../support/prometheus-server.js';
import { asRecords, callTool, memoryArtifacts } from './tool-harness.js';

const rulesFile = fileURLToPath(
  new URL('../../../fixtures/prometheus/incident-rules.yml', import.meta.url),
);
const proxyPath = '/api/datasources/proxy/uid/prom';

let simulator: IncidentSimulator;
let alertmanager: RunningServer;
let prometheus: RunningServer;
let tools: Tool[];
const store = memoryArtifacts();

/** Prometheus' own answer, read without the tools, for comparisons. */
async function prometheusApi(path: string, params: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(`${prometheus.url}${path}?${new URLSearchParams(params)}`);
  return response.json();
}

async function firingInPrometheus(): Promise<true | undefined> {
  const body = (await prometheusApi('/api/v1/alerts')) as {
    data: { alerts: Array<{ labels: Record<string, string>; state: string }> };
  };
  return body.data.alerts.some(
    (alert) => alert.labels.alertname === 'CheckoutDbPoolExhausted' && alert.state === 'firing',
  )
    ? true
    : undefined;
}

async function inAlertmanager(): Promise<true | undefined> {
  const response = await fetch(`${alertmanager.url}/api/v2/alerts`);
  const alerts = (await response.json()) as Array<{ labels: Record<string, string> }>;
  return alerts.some((alert) => alert.labels.alertname === 'CheckoutDbPoolExhausted')
    ? true
    : undefined;
}

beforeAll(async () => {
  simulator = await startIncidentSimulator();
  alertmanager = await startAlertmanager();
  prometheus = await startPrometheus({
    scrapeTargets: [simulator.target],
    rulesFiles: [rulesFile],
    alertmanagerUrl: alertmanager.url,
    routePrefix: proxyPath,
  });
  tools = createObservabilityTools({
    prometheus: { url: prometheus.url },
    alertmanager: { url: alertmanager.url },
  });
  // Healthy traffic first, so ranges hold both phases.
  await pollUntil(
    async () => {
      const body = (await prometheusApi('/api/v1/query', {
        query: 'db_pool_connections_active',
      })) as {
        data: { result: Array<{ value: [number, string] }> };
      };
      return body.data.result[0]?.value[1] === '8' ? true : undefined;
    },
    { what: 'the first scrape of the healthy simulator' },
  );
  simulator.setIncident('db-pool-exhaustion');
  await pollUntil(firingInPrometheus, { what: 'CheckoutDbPoolExhausted firing in Prometheus' });
  await pollUntil(inAlertmanager, { what: 'CheckoutDbPoolExhausted in Alertmanager' });
}, 60_000);

afterAll(async () => {
  await Promise.all([prometheus?.close(), alertmanager?.close(), simulator?.close()]);
});

describe('query_prometheus against a real Prometheus', () => {
  it('returns the pool usage ratio the simulator reports', async () => {
    const snapshot = simulator.snapshot();
    const result = await callTool(
      tools,
      'query_prometheus',
      { expr: 'db_pool_connections_active / db_pool_connections_max', queryType: 'instant' },
      store.context(),
    );
    expect(result.resultType).toBe('vector');
    const [sample] = asRecords(result.samples);
    expect(sample?.value).toBe(snapshot.poolActive / snapshot.poolMax);
    expect(sample?.labels).toMatchObject({ service: 'checkout-api', pool: 'orders-db' });
  });

  it('summarises a range query within bounds and keeps the full result as an artifact', async () => {
    const context = store.context({ toolCallId: 'call_range' });
    const result = await callTool(
      tools,
      'query_prometheus',
      // Data starts at the first scrape, seconds ago: a fine step still gives more points than shown.
      {
        expr: 'db_pool_connections_active',
        queryType: 'range',
        startTime: 'now-30s',
        stepSeconds: 0.05,
      },
      context,
    );
    expect(result).toMatchObject({ resultType: 'matrix', seriesCount: 1, stepSeconds: 0.05 });
    const [series] = asRecords(result.series);
    // Healthy (8 of 20 connections), then exhausted (20 of 20).
    expect(series).toMatchObject({ min: 8, max: 20, last: 20 });
    expect(series?.mean).toBeGreaterThan(8);
    expect(series?.mean).toBeLessThan(20);
    const points = series?.points;
    expect(Array.isArray(points) && points.length).toBeLessThanOrEqual(30);
    expect(series?.samples).toBeGreaterThan(30);

    expect(result.artifact).toBe('artifacts/prometheus-call_range.json');
    const artifact = JSON.parse(store.files.get('artifacts/prometheus-call_range.json') ?? '{}');
    expect(artifact.response.data.result[0].values).toHaveLength(Number(series?.samples));
    expect(result.notes).toContain(
      'the full result is in the artifact artifacts/prometheus-call_range.json',
    );
  });

  it('orders series by their last value and agrees with the simulator’s counters', async () => {
    const result = await callTool(
      tools,
      'query_prometheus',
      { expr: 'http_requests_total', queryType: 'range', startTime: 'now-1m' },
      store.context(),
    );
    expect(result.seriesCount).toBe(3);
    const series = asRecords(result.series);
    expect(series.map((item) => (item.labels as Record<string, string>).status)).toEqual([
      '200',
      '500',
      '503',
    ]);
    const counters = simulator.snapshot().requests;
    for (const item of series) {
      const status = (item.labels as Record<string, string>).status as '200' | '500' | '503';
      expect(item.last).toBeGreaterThan(0);
      expect(item.last).toBeLessThanOrEqual(counters[status]);
      expect(item.min).toBeLessThanOrEqual(Number(item.last));
    }
  });

  it('raises a step that would exceed 1000 points per series and says so', async () => {
    const result = await callTool(
      tools,
      'query_prometheus',
      { expr: 'db_pool_connections_max', queryType: 'range', startTime: 'now-1h', stepSeconds: 1 },
      store.context(),
    );
    expect(result.stepSeconds).toBe(4);
    expect(result.notes).toContain(
      'step raised from 1 s to 4 s so each series has at most 1000 points',
    );
  });

  it('passes a PromQL syntax error back verbatim', async () => {
    const expr = 'sum(rate(http_requests_total[1m])';
    const direct = (await prometheusApi('/api/v1/query', { query: expr })) as {
      errorType: string;
      error: string;
    };
    const run = callTool(
      tools,
      'query_prometheus',
      { expr, queryType: 'instant' },
      store.context(),
    );
    await expect(run).rejects.toThrow(direct.error);
    await expect(run).rejects.toMatchObject({ errorType: 'bad_data', serverError: direct.error });
  });

  it('refuses a range longer than the 24 h cap', async () => {
    const run = callTool(
      tools,
      'query_prometheus',
      { expr: 'up', queryType: 'range', startTime: 'now-25h' },
      store.context(),
    );
    await expect(run).rejects.toThrow(/spans 25 h, more than the 24 h cap/);
  });

  it('resolves relative times against now', async () => {
    const before = Date.now();
    const result = await callTool(
      tools,
      'query_prometheus',
      { expr: 'db_pool_connections_max', queryType: 'range', startTime: 'now-5m', endTime: 'now' },
      store.context(),
    );
    const start = Date.parse(String(result.start));
    const end = Date.parse(String(result.end));
    expect(end - start).toBe(300_000);
    expect(end).toBeGreaterThanOrEqual(before);
    expect(end).toBeLessThanOrEqual(Date.now());
    expect(asRecords(result.series)[0]?.last).toBe(20);
  });

  it('reaches Prometheus through the Grafana data-source proxy path', async () => {
    const grafanaUrl = new URL(prometheus.url).origin;
    const viaGrafana = createObservabilityTools({
      grafana: { url: grafanaUrl, apiKey: 'glsa_test', prometheusUid: 'prom' },
    });
    const result = await callTool(
      viaGrafana,
      'query_prometheus',
      { datasourceUid: 'prom', expr: 'db_pool_connections_max', queryType: 'instant' },
      store.context(),
    );
    expect(result.datasource).toBe('Grafana data source "prom"');
    expect(asRecords(result.samples)[0]?.value).toBe(simulator.snapshot().poolMax);
  });
});

describe('list_alert_rules against a real Prometheus', () => {
  it('lists the three incident rules, the pool rule firing', async () => {
    const result = await callTool(tools, 'list_alert_rules', {}, store.context());
    const rules = asRecords(result.rules);
    expect(rules.map((rule) => rule.name).sort()).toEqual([
      'CheckoutDbPoolExhausted',
      'CheckoutHigh5xxRatio',
      'CheckoutLatencyP99High',
    ]);
    const pool = rules.find((rule) => rule.name === 'CheckoutDbPoolExhausted');
    expect(pool).toMatchObject({
      group: 'checkout-api',
      state: 'firing',
      duration: '2s',
      activeAlerts: 1,
      health: 'ok',
      labels: { severity: 'critical', team: 'checkout' },
    });
    expect(pool?.query).toContain('db_pool_connections_active / db_pool_connections_max');
  });

  it('filters by state and group', async () => {
    const firing = await callTool(tools, 'list_alert_rules', { state: 'firing' }, store.context());
    const names = asRecords(firing.rules).map((rule) => rule.name);
    expect(names).toContain('CheckoutDbPoolExhausted');
    expect(asRecords(firing.rules).every((rule) => rule.state === 'firing')).toBe(true);
    const none = await callTool(tools, 'list_alert_rules', { groupName: 'other' }, store.context());
    expect(none.rules).toEqual([]);
  });
});

describe('list_alerts against a real Prometheus and Alertmanager', () => {
  it('reads the firing alert from Alertmanager by default', async () => {
    const result = await callTool(
      tools,
      'list_alerts',
      { filter: 'alertname="CheckoutDbPoolExhausted"' },
      store.context(),
    );
    expect(result.source).toBe('alertmanager');
    const alerts = asRecords(result.alerts);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      alertname: 'CheckoutDbPoolExhausted',
      state: 'firing',
      receivers: ['war-room'],
      labels: { service: 'checkout-api', pool: 'orders-db', severity: 'critical' },
    });
    expect(Date.parse(String(alerts[0]?.startsAt))).toBeLessThanOrEqual(Date.now());
    expect(alerts[0]?.annotations).toMatchObject({
      summary: 'checkout-api database pool orders-db is exhausted',
    });
  });

  it('reads the firing alert and its value from Prometheus', async () => {
    const result = await callTool(
      tools,
      'list_alerts',
      { source: 'prometheus', state: 'firing', filter: 'pool="orders-db"' },
      store.context(),
    );
    const alerts = asRecords(result.alerts);
    expect(alerts.map((alert) => alert.alertname)).toEqual(['CheckoutDbPoolExhausted']);
    expect(Number(alerts[0]?.value)).toBe(1);
    expect(typeof alerts[0]?.activeAt).toBe('string');
  });
});
