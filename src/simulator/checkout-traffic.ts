/**
 * The simulated checkout API's traffic: what one tick of requests looks like in
 * each incident, and the counters those ticks add up to. Fully deterministic:
 * the same incident for the same number of ticks always gives the same numbers,
 * so tests can state exactly what Prometheus must have scraped.
 */
import type { MetricFamily } from './render-exposition.js';

export const incidentNames = ['none', 'db-pool-exhaustion'] as const;
export type IncidentName = (typeof incidentNames)[number];

export function isIncidentName(value: unknown): value is IncidentName {
  return typeof value === 'string' && (incidentNames as readonly string[]).includes(value);
}

export const service = 'checkout-api';
export const route = '/v1/checkout/summary';
export const pool = 'orders-db';
export const statuses = ['200', '500', '503'] as const;
export type Status = (typeof statuses)[number];

/** Histogram upper bounds in seconds; +Inf is implied. */
export const latencyBuckets = [0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5] as const;

export interface TrafficProfile {
  /** Requests per tick by status code. */
  requests: Readonly<Record<Status, number>>;
  /** Requests per tick landing in each bucket (not cumulative), then above the last bound. */
  latency: readonly number[];
  poolActive: number;
  poolMax: number;
  poolPending: number;
}

/**
 * Healthy: 1% 5xx, p99 0.3 s (99% of requests under 0.3 s), pool 40% used.
 * Pool exhaustion: every connection taken, requests queue for one, 20% 5xx,
 * p99 4.8 s by histogram_quantile's interpolation.
 */
export const trafficProfiles: Readonly<Record<IncidentName, TrafficProfile>> = {
  none: {
    requests: { '200': 198, '500': 2, '503': 0 },
    latency: [90, 60, 40, 8, 2, 0, 0, 0, 0, 0],
    poolActive: 8,
    poolMax: 20,
    poolPending: 0,
  },
  'db-pool-exhaustion': {
    requests: { '200': 160, '500': 30, '503': 10 },
    latency: [10, 10, 20, 20, 20, 30, 40, 30, 20, 0],
    poolActive: 20,
    poolMax: 20,
    poolPending: 37,
  },
};

/** A request's duration for the histogram's sum: the middle of its bucket (10 s above the last). */
function bucketMidpoint(index: number): number {
  const upper = latencyBuckets[index] ?? 10;
  const lower = index === 0 ? 0 : (latencyBuckets[index - 1] ?? 0);
  return (lower + upper) / 2;
}

export interface TrafficSnapshot {
  incident: IncidentName;
  ticks: number;
  requests: Record<Status, number>;
  /** Non-cumulative counts per bucket, the last one above 5 s. */
  latencyCounts: number[];
  latencySum: number;
  poolActive: number;
  poolMax: number;
  poolPending: number;
}

export class CheckoutTraffic {
  #incident: IncidentName = 'none';
  #ticks = 0;
  readonly #requests: Record<Status, number> = { '200': 0, '500': 0, '503': 0 };
  readonly #latencyCounts: number[] = Array.from({ length: latencyBuckets.length + 1 }, () => 0);
  #latencySum = 0;

  get incident(): IncidentName {
    return this.#incident;
  }

  setIncident(incident: IncidentName): void {
    this.#incident = incident;
  }

  /** Adds `count` ticks of the current incident's traffic (a multiplication, so long gaps are cheap). */
  advance(count: number): void {
    if (count <= 0) return;
    const profile = trafficProfiles[this.#incident];
    for (const status of statuses) this.#requests[status] += profile.requests[status] * count;
    profile.latency.forEach((perTick, index) => {
      this.#latencyCounts[index] = (this.#latencyCounts[index] ?? 0) + perTick * count;
      this.#latencySum += perTick * count * bucketMidpoint(index);
    });
    this.#ticks += count;
  }

  snapshot(): TrafficSnapshot {
    const profile = trafficProfiles[this.#incident];
    return {
      incident: this.#incident,
      ticks: this.#ticks,
      requests: { ...this.#requests },
      latencyCounts: [...this.#latencyCounts],
      latencySum: this.#latencySum,
      poolActive: profile.poolActive,
      poolMax: profile.poolMax,
      poolPending: profile.poolPending,
    };
  }

  metricFamilies(): MetricFamily[] {
    const snapshot = this.snapshot();
    const requestLabels = { service, route };
    const poolLabels = { service, pool };
    let cumulative = 0;
    const buckets = snapshot.latencyCounts.map((count, index) => {
      cumulative += count;
      const le = latencyBuckets[index]?.toString() ?? '+Inf';
      return {
        name: 'http_request_duration_seconds_bucket',
        labels: { ...requestLabels, le },
        value: cumulative,
      };
    });
    const gauge = (name: string, help: string, value: number): MetricFamily => ({
      name,
      help,
      type: 'gauge',
      samples: [{ name, labels: poolLabels, value }],
    });
    return [
      {
        name: 'http_requests_total',
        help: 'Requests the checkout API answered, by status code.',
        type: 'counter',
        samples: statuses.map((status) => ({
          name: 'http_requests_total',
          labels: { ...requestLabels, status },
          value: snapshot.requests[status],
        })),
      },
      {
        name: 'http_request_duration_seconds',
        help: 'How long checkout API requests took.',
        type: 'histogram',
        samples: [
          ...buckets,
          {
            name: 'http_request_duration_seconds_sum',
            labels: requestLabels,
            value: snapshot.latencySum,
          },
          { name: 'http_request_duration_seconds_count', labels: requestLabels, value: cumulative },
        ],
      },
      gauge('db_pool_connections_active', 'Database connections in use.', snapshot.poolActive),
      gauge('db_pool_connections_max', 'Database connections the pool may open.', snapshot.poolMax),
      gauge(
        'db_pool_pending_requests',
        'Requests waiting for a database connection.',
        snapshot.poolPending,
      ),
      {
        name: 'simulator_incident_info',
        help: 'The incident the simulator is playing (1 for the current one).',
        type: 'gauge',
        samples: [
          { name: 'simulator_incident_info', labels: { incident: snapshot.incident }, value: 1 },
        ],
      },
    ];
  }
}
