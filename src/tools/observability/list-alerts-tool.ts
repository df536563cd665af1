/**
 * `list_alerts`: the alerts that are active now, from Alertmanager (what was
 * routed to people, with silences) or from Prometheus (including pending ones,
 * with the value that tripped the rule).
 */
import { z } from 'zod';
import type { JsonSchema, JsonValue } from '../../provider/spec.js';
import type { Tool, ToolContext } from '../tool.js';
import {
  type DatasourceEndpoint,
  resolveAlertmanagerEndpoint,
  resolvePrometheusEndpoint,
} from './datasource-endpoint.js';
import { fetchJson } from './fetch-json.js';
import {
  formatMatcher,
  type LabelMatcher,
  matchesLabels,
  parseLabelMatchers,
} from './label-matchers.js';
import type { ObservabilityRuntime } from './observability-runtime.js';

export interface ListAlertsInput {
  source?: 'prometheus' | 'alertmanager';
  datasourceUid?: string;
  state?: 'firing' | 'pending' | 'all';
  filter?: string;
}

const name = 'list_alerts';

const labels = z.record(z.string(), z.string()).optional();

const prometheusAlerts = z.object({
  data: z.object({
    alerts: z.array(
      z.object({
        labels,
        annotations: labels,
        state: z.string(),
        activeAt: z.string().optional(),
        value: z.string().optional(),
      }),
    ),
  }),
});

const alertmanagerAlerts = z.array(
  z.object({
    labels,
    annotations: labels,
    startsAt: z.string().optional(),
    endsAt: z.string().optional(),
    fingerprint: z.string().optional(),
    receivers: z.array(z.object({ name: z.string() })).optional(),
    status: z
      .object({
        state: z.string(),
        silencedBy: z.array(z.string()).optional(),
        inhibitedBy: z.array(z.string()).optional(),
      })
      .optional(),
  }),
);

const schema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    source: {
      type: 'string',
      enum: ['alertmanager', 'prometheus'],
      description:
        'Where to read alerts: "alertmanager" (routed alerts, silences; the default when configured) or "prometheus" (also pending alerts, with the value that triggered them).',
    },
    datasourceUid: {
      type: 'string',
      minLength: 1,
      description:
        'The Prometheus data source, for source "prometheus". Optional when one is configured.',
    },
    state: {
      type: 'string',
      enum: ['firing', 'pending', 'all'],
      description:
        'Only firing, only pending (Prometheus only: Alertmanager never sees pending alerts), or all. Default all.',
    },
    filter: {
      type: 'string',
      description:
        'Label matchers, comma separated: service="checkout-api", severity=~"critical|page".',
    },
  },
  additionalProperties: false,
};

type AlertSummary = { [key: string]: JsonValue };

/** Firing before pending, then by name: the order a responder reads them in. */
function byUrgency(left: AlertSummary, right: AlertSummary): number {
  const rank = (alert: AlertSummary) => (alert.state === 'pending' ? 1 : 0);
  return rank(left) - rank(right) || String(left.alertname).localeCompare(String(right.alertname));
}

async function fromPrometheus(
  runtime: ObservabilityRuntime,
  endpoint: DatasourceEndpoint,
  input: ListAlertsInput,
  matchers: LabelMatcher[],
  context: ToolContext,
): Promise<AlertSummary[]> {
  const body = await fetchJson(
    endpoint,
    '/api/v1/alerts',
    new URLSearchParams(),
    runtime.requestOptions(context),
  );
  const parsed = prometheusAlerts.safeParse(body);
  if (!parsed.success)
    throw new Error(`${endpoint.service} answered /api/v1/alerts with an unexpected shape`);
  return parsed.data.data.alerts
    .filter(
      (alert) => input.state === undefined || input.state === 'all' || alert.state === input.state,
    )
    .filter((alert) => matchesLabels(matchers, alert.labels ?? {}))
    .map((alert) => ({
      alertname: alert.labels?.alertname ?? '',
      state: alert.state,
      activeAt: alert.activeAt ?? null,
      value: alert.value ?? null,
      labels: alert.labels ?? {},
      annotations: alert.annotations ?? {},
    }));
}

async function fromAlertmanager(
  runtime: ObservabilityRuntime,
  endpoint: DatasourceEndpoint,
  matchers: LabelMatcher[],
  context: ToolContext,
): Promise<AlertSummary[]> {
  const params = new URLSearchParams();
  for (const matcher of matchers) params.append('filter', formatMatcher(matcher));
  const body = await fetchJson(endpoint, '/api/v2/alerts', params, runtime.requestOptions(context));
  const parsed = alertmanagerAlerts.safeParse(body);
  if (!parsed.success)
    throw new Error(`${endpoint.service} answered /api/v2/alerts with an unexpected shape`);
  return parsed.data.map((alert) => ({
    alertname: alert.labels?.alertname ?? '',
    // Alertmanager only holds firing alerts; its own state says whether they notify.
    state: 'firing',
    notification: alert.status?.state ?? 'unknown',
    startsAt: alert.startsAt ?? null,
    silencedBy: alert.status?.silencedBy ?? [],
    inhibitedBy: alert.status?.inhibitedBy ?? [],
    receivers: (alert.receivers ?? []).map((receiver) => receiver.name),
    fingerprint: alert.fingerprint ?? null,
    labels: alert.labels ?? {},
    annotations: alert.annotations ?? {},
  }));
}

export function createListAlertsTool(runtime: ObservabilityRuntime): Tool {
  const { limits } = runtime;
  return {
    name,
    description: `Lists active alerts with their labels, annotations, state and since when, from Alertmanager or Prometheus. Filter with label matchers. At most ${limits.maxListed} alerts, firing first.`,
    inputSchema: schema,
    effect: 'read',
    async run(rawInput, context) {
      const input = runtime.readInput<ListAlertsInput>(name, schema, rawInput);
      const source =
        input.source ?? (runtime.config.alertmanager === undefined ? 'prometheus' : 'alertmanager');
      const matchers = input.filter === undefined ? [] : parseLabelMatchers(input.filter);
      let endpoint: DatasourceEndpoint;
      let alerts: AlertSummary[];
      if (source === 'alertmanager') {
        if (input.state === 'pending') {
          throw new Error(
            `${name}: Alertmanager never receives pending alerts; use source: "prometheus" with state: "pending"`,
          );
        }
        endpoint = resolveAlertmanagerEndpoint(runtime.config, name);
        alerts = await fromAlertmanager(runtime, endpoint, matchers, context);
      } else {
        endpoint = resolvePrometheusEndpoint(runtime.config, input.datasourceUid, name);
        alerts = await fromPrometheus(runtime, endpoint, input, matchers, context);
      }
      alerts.sort(byUrgency);
      const shown = alerts.slice(0, limits.maxListed);
      const notes: string[] = endpoint.note === null ? [] : [endpoint.note];
      if (shown.length < alerts.length) {
        notes.push(
          `${alerts.length} alerts; the first ${shown.length} are shown: narrow with filter`,
        );
      }
      return {
        source,
        datasource: endpoint.label,
        alertCount: alerts.length,
        alerts: shown,
        notes,
      };
    },
  };
}
