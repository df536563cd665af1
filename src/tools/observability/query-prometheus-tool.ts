/**
 * `query_prometheus`, named and parameterised like Grafana's MCP server tool so a
 * prompt written for one works with the other. Instant queries hit
 * /api/v1/query, range queries /api/v1/query_range; the model gets a bounded
 * summary and the full result is kept as an artifact.
 */
import type { JsonSchema, JsonValue } from '../../provider/spec.js';
import type { Tool } from '../tool.js';
import { resolvePrometheusEndpoint } from './datasource-endpoint.js';
import { fetchJson } from './fetch-json.js';
import { artifactNote, type ObservabilityRuntime } from './observability-runtime.js';
import {
  type PrometheusData,
  prometheusData,
  summarisePrometheusData,
} from './summarise-prometheus-data.js';
import { chooseStep, formatHours, parseTimeInput, resolveTimeRange } from './time-range.js';

export const timeDescription =
  'RFC 3339 (2026-11-26T10:00:00Z), unix seconds ("1795680000") or relative to now ("now", "now-15m", "now-1h")';

export interface QueryPrometheusInput {
  datasourceUid?: string;
  expr: string;
  queryType: 'instant' | 'range';
  startTime?: string;
  endTime?: string;
  stepSeconds?: number;
}

const name = 'query_prometheus';

function inputSchema(limits: ObservabilityRuntime['limits']): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: {
      datasourceUid: {
        type: 'string',
        minLength: 1,
        description:
          'The Prometheus data source to query. Optional when one Prometheus is configured.',
      },
      expr: { type: 'string', minLength: 1, description: 'The PromQL expression.' },
      queryType: {
        type: 'string',
        enum: ['instant', 'range'],
        description:
          '"instant": one value per series at startTime (default now). "range": values from startTime to endTime every stepSeconds.',
      },
      startTime: {
        type: 'string',
        description: `Range start (default: one hour before endTime), or the instant query's time. ${timeDescription}.`,
      },
      endTime: { type: 'string', description: `Range end (default now). ${timeDescription}.` },
      stepSeconds: {
        type: 'number',
        exclusiveMinimum: 0,
        description: `Seconds between range points. Raised when a series would have more than ${limits.maxPointsPerSeries} points; default gives about 250.`,
      },
    },
    required: ['expr', 'queryType'],
    additionalProperties: false,
  };
}

interface PlannedQuery {
  path: string;
  params: URLSearchParams;
  /** The resolved time bounds, echoed to the model so it knows what it looked at. */
  window: { [key: string]: JsonValue };
  notes: string[];
}

function planQuery(
  input: QueryPrometheusInput,
  now: Date,
  limits: ObservabilityRuntime['limits'],
): PlannedQuery {
  const params = new URLSearchParams({ query: input.expr });
  if (input.queryType === 'instant') {
    // Grafana's tool evaluates an instant query at startTime; endTime is accepted too.
    const time =
      input.startTime !== undefined
        ? parseTimeInput(input.startTime, now, 'startTime')
        : input.endTime !== undefined
          ? parseTimeInput(input.endTime, now, 'endTime')
          : now;
    params.set('time', String(time.getTime() / 1000));
    return { path: '/api/v1/query', params, window: { time: time.toISOString() }, notes: [] };
  }
  const range = resolveTimeRange(
    {
      startTime: input.startTime,
      endTime: input.endTime,
      defaultWindowSeconds: 3_600,
      maxWindowSeconds: limits.maxRangeSeconds,
      overCap: 'refuse',
    },
    now,
  );
  const spanSeconds = (range.end.getTime() - range.start.getTime()) / 1000;
  const step = chooseStep(spanSeconds, input.stepSeconds, limits.maxPointsPerSeries);
  params.set('start', String(range.start.getTime() / 1000));
  params.set('end', String(range.end.getTime() / 1000));
  params.set('step', String(step.stepSeconds));
  return {
    path: '/api/v1/query_range',
    params,
    window: {
      start: range.start.toISOString(),
      end: range.end.toISOString(),
      stepSeconds: step.stepSeconds,
    },
    notes: step.note === null ? [] : [step.note],
  };
}

function prometheusResponse(body: unknown): { data: PrometheusData; warnings: string[] } {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const data = prometheusData.safeParse(record.data);
  if (!data.success) {
    throw new Error(
      `Prometheus answered with a result warroom does not understand (${data.error.issues[0]?.message ?? 'unknown shape'}): is the URL a Prometheus API?`,
    );
  }
  const warnings = Array.isArray(record.warnings)
    ? record.warnings.filter((item): item is string => typeof item === 'string')
    : [];
  return { data: data.data, warnings };
}

export function createQueryPrometheusTool(runtime: ObservabilityRuntime): Tool {
  const { limits } = runtime;
  const schema = inputSchema(limits);
  return {
    name,
    description: `Runs a PromQL query against Prometheus (instant or range) and returns a summary: per series its labels, min/max/last/mean and at most ${limits.maxSummaryPoints} points (the ${limits.maxSeries} series with the highest last value). Ranges are limited to ${formatHours(limits.maxRangeSeconds)}. The full result is saved as an artifact. PromQL errors come back as Prometheus reports them.`,
    inputSchema: schema,
    effect: 'read',
    async run(rawInput, context) {
      const input = runtime.readInput<QueryPrometheusInput>(name, schema, rawInput);
      const endpoint = resolvePrometheusEndpoint(runtime.config, input.datasourceUid, name);
      const { path, params, window, notes } = planQuery(input, runtime.clock(), limits);
      const body = await fetchJson(endpoint, path, params, runtime.requestOptions(context));
      const { data, warnings } = prometheusResponse(body);
      const summary = summarisePrometheusData(data, {
        maxSeries: limits.maxSeries,
        maxPoints: limits.maxSummaryPoints,
      });
      const artifact = await runtime.storeArtifact(context, 'prometheus', {
        request: { datasource: endpoint.label, path, expr: input.expr, ...window },
        response: body as JsonValue,
      });
      return {
        datasource: endpoint.label,
        expr: input.expr,
        queryType: input.queryType,
        ...window,
        ...summary,
        notes: [
          ...(endpoint.note === null ? [] : [endpoint.note]),
          ...notes,
          ...warnings.map((warning) => `Prometheus warning: ${warning}`),
          ...summary.notes,
          artifactNote(artifact),
        ],
        artifact,
      };
    },
  };
}
