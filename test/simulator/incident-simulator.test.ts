/**
 * The incident simulator's /metrics: valid exposition format (checked by
 * promtool, the parser Prometheus ships), and numbers that follow the documented
 * profiles, healthy and db-pool-exhaustion, tick by tick under a manual clock.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { type IncidentSimulator, startIncidentSimulator } from '../../src/simulator/index.js';

const simulators: IncidentSimulator[] = [];
afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.close()));
});

/** A clock the test moves by hand, so tick counts are exact. */
function manualClock() {
  let now = Date.parse('2026-11-26T10:00:00Z');
  return {
    clock: () => new Date(now),
    advance(milliseconds: number) {
      now += milliseconds;
    },
  };
}

async function start(clock?: () => Date) {
  const simulator = await startIncidentSimulator(clock === undefined ? {} : { clock });
  simulators.push(simulator);
  return simulator;
}

async function scrape(simulator: IncidentSimulator): Promise<Map<string, number>> {
  const response = await fetch(`${simulator.url}/metrics`);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match === null) throw new Error(`not an exposition sample line: ${line}`);
    samples.set(match[1] ?? '', Number(match[2]));
  }
  return samples;
}

const request = 'service="checkout-api",route="/v1/checkout/summary"';
const poolLabels = '{service="checkout-api",pool="orders-db"}';
const bounds = ['0.05', '0.1', '0.2', '0.3', '0.5', '1', '2', '3', '5', '+Inf'];

function value(samples: Map<string, number>, key: string): number {
  const found = samples.get(key);
  if (found === undefined) throw new Error(`no sample ${key}`);
  return found;
}

/** What these samples say about one window: request counts by status, buckets, pool gauges. */
function window(before: Map<string, number>, after: Map<string, number>) {
  const delta = (key: string) => value(after, key) - value(before, key);
  const byStatus = (status: string) => delta(`http_requests_total{${request},status="${status}"}`);
  const total = byStatus('200') + byStatus('500') + byStatus('503');
  const buckets = bounds.map((le) =>
    delta(`http_request_duration_seconds_bucket{${request},le="${le}"}`),
  );
  return {
    total,
    errorRatio: (byStatus('500') + byStatus('503')) / total,
    p99: histogramQuantile(0.99, buckets),
    poolRatio:
      value(after, `db_pool_connections_active${poolLabels}`) /
      value(after, `db_pool_connections_max${poolLabels}`),
    pending: value(after, `db_pool_pending_requests${poolLabels}`),
  };
}

/** Prometheus' histogram_quantile: linear interpolation inside the bucket holding the rank. */
function histogramQuantile(quantile: number, cumulative: number[]): number {
  const total = cumulative.at(-1) ?? 0;
  const rank = quantile * total;
  const index = cumulative.findIndex((count) => count >= rank);
  const upper = Number(bounds[index]);
  const lower = index === 0 ? 0 : Number(bounds[index - 1]);
  const below = index === 0 ? 0 : (cumulative[index - 1] ?? 0);
  return lower + ((upper - lower) * (rank - below)) / ((cumulative[index] ?? 0) - below);
}

describe('incident simulator', () => {
  it('serves metrics Prometheus’ own parser accepts', async () => {
    const simulator = await start();
    const text = await (await fetch(`${simulator.url}/metrics`)).text();
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(text).toContain('# TYPE http_requests_total counter\n');
    expect(text).toContain('# TYPE http_request_duration_seconds histogram\n');
    expect(text).toMatch(
      /^http_requests_total\{service="checkout-api",route="\/v1\/checkout\/summary",status="503"\} \d+$/m,
    );
    expect(text).toContain('db_pool_connections_max{service="checkout-api",pool="orders-db"} 20\n');
  });

  it('plays healthy traffic: 1% 5xx, p99 0.3 s, pool 40% used, nothing pending', async () => {
    const time = manualClock();
    const simulator = await start(time.clock);
    const before = await scrape(simulator);
    time.advance(1_000);
    const healthy = window(before, await scrape(simulator));
    expect(healthy).toEqual({
      total: 2_000,
      errorRatio: 0.01,
      p99: 0.3,
      poolRatio: 0.4,
      pending: 0,
    });
  });

  it('plays db-pool-exhaustion once switched over HTTP: pool full, requests queued, 20% 5xx, p99 over 2 s', async () => {
    const time = manualClock();
    const simulator = await start(time.clock);
    time.advance(1_000);
    const switched = await fetch(`${simulator.url}/simulator/incident`, {
      method: 'POST',
      body: JSON.stringify({ incident: 'db-pool-exhaustion' }),
    });
    expect(await switched.json()).toEqual({ incident: 'db-pool-exhaustion' });
    const before = await scrape(simulator);
    time.advance(1_000);
    const after = await scrape(simulator);
    const incident = window(before, after);
    expect(incident.poolRatio).toBe(1);
    expect(incident.pending).toBeGreaterThan(0);
    expect(incident.errorRatio).toBe(0.2);
    expect(incident.p99).toBeGreaterThan(2);
    expect(value(after, 'simulator_incident_info{incident="db-pool-exhaustion"}')).toBe(1);
    // Ticks before the switch stay healthy: exactly one second of each.
    expect(value(after, `http_requests_total{${request},status="503"}`)).toBe(100);
    expect(simulator.snapshot()).toMatchObject({ incident: 'db-pool-exhaustion', ticks: 20 });
  });

  it('switches back with setIncident and refuses an unknown incident', async () => {
    const simulator = await start();
    simulator.setIncident('db-pool-exhaustion');
    simulator.setIncident('none');
    expect(simulator.snapshot()).toMatchObject({ incident: 'none', poolActive: 8 });
    const refused = await fetch(`${simulator.url}/simulator/incident`, {
      method: 'POST',
      body: 'meteor',
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      error: 'unknown incident "meteor"; one of: none, db-pool-exhaustion',
    });
    expect(await (await fetch(`${simulator.url}/simulator/incident`)).json()).toEqual({
      incident: 'none',
    });
  });

  it('gives the same numbers for the same ticks, run after run', async () => {
    const first = manualClock();
    const second = manualClock();
    const one = await start(first.clock);
    const two = await start(second.clock);
    first.advance(12_345);
    second.advance(12_345);
    expect(one.snapshot()).toEqual(two.snapshot());
  });
});
