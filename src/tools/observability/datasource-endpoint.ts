/**
 * Where each observability tool sends its request: a configured URL with its own
 * auth, or Grafana's data-source proxy (`/api/datasources/proxy/uid/<uid>`) with
 * the Grafana API key. A tool whose endpoint is missing says which environment
 * variable to set, because that is the fix an operator can make in one line.
 */
import type { ToolsConfig } from '../tools-config.js';

export type ObservabilityConfig = Pick<
  ToolsConfig,
  'prometheus' | 'alertmanager' | 'loki' | 'grafana'
>;

export type ObservabilityService = 'Prometheus' | 'Alertmanager' | 'Loki';

export interface DatasourceEndpoint {
  service: ObservabilityService;
  /** Without a trailing slash; API paths are appended to it. */
  baseUrl: string;
  headers: Record<string, string>;
  /** What the model is told it queried: a URL or a Grafana data source, never a credential. */
  label: string;
  /** The environment variable that points at this endpoint, for error messages. */
  envVar: string;
  /** Set when the caller's datasourceUid could not be honoured as asked. */
  note: string | null;
}

type Auth = NonNullable<NonNullable<ToolsConfig['prometheus']>['auth']>;

export function authHeaders(auth: Auth | undefined): Record<string, string> {
  if (auth === undefined) return {};
  if ('bearer' in auth) return { authorization: `Bearer ${auth.bearer}` };
  const token = Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64');
  return { authorization: `Basic ${token}` };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function grafanaProxy(
  grafana: NonNullable<ToolsConfig['grafana']>,
  uid: string,
  service: ObservabilityService,
  envVar: string,
): DatasourceEndpoint {
  return {
    service,
    baseUrl: `${trimSlash(grafana.url)}/api/datasources/proxy/uid/${encodeURIComponent(uid)}`,
    headers: grafana.apiKey === undefined ? {} : { authorization: `Bearer ${grafana.apiKey}` },
    label: `Grafana data source "${uid}"`,
    envVar,
    note: null,
  };
}

function direct(
  service: ObservabilityService,
  url: string,
  auth: Auth | undefined,
  envVar: string,
  note: string | null = null,
): DatasourceEndpoint {
  return { service, baseUrl: trimSlash(url), headers: authHeaders(auth), label: url, envVar, note };
}

export function resolvePrometheusEndpoint(
  config: ObservabilityConfig,
  datasourceUid: string | undefined,
  toolName: string,
): DatasourceEndpoint {
  const { prometheus, grafana } = config;
  const envVar = 'PROMETHEUS_URL';
  const known = new Map(Object.entries(prometheus?.datasources ?? {}));
  if (datasourceUid !== undefined) {
    const url = known.get(datasourceUid);
    if (url !== undefined) return direct('Prometheus', url, prometheus?.auth, envVar);
    if (grafana !== undefined) return grafanaProxy(grafana, datasourceUid, 'Prometheus', envVar);
    if (known.size > 0) {
      throw new Error(
        `${toolName}: no Prometheus data source "${datasourceUid}"; configured: ${[...known.keys()].join(', ')} (or leave datasourceUid out for the default)`,
      );
    }
    if (prometheus !== undefined) {
      // One Prometheus and no Grafana: a uid written for Grafana still means "the" Prometheus.
      const note = `datasourceUid "${datasourceUid}" ignored: only one Prometheus is configured`;
      return direct('Prometheus', prometheus.url, prometheus.auth, envVar, note);
    }
  }
  if (prometheus !== undefined)
    return direct('Prometheus', prometheus.url, prometheus.auth, envVar);
  if (grafana?.prometheusUid !== undefined) {
    return grafanaProxy(grafana, grafana.prometheusUid, 'Prometheus', envVar);
  }
  throw new Error(
    `${toolName} has no Prometheus to ask: set ${envVar} (or tools.prometheus.url in the config file), or GRAFANA_URL with tools.grafana.prometheusUid`,
  );
}

export function resolveAlertmanagerEndpoint(
  config: ObservabilityConfig,
  toolName: string,
): DatasourceEndpoint {
  const { alertmanager } = config;
  if (alertmanager === undefined) {
    throw new Error(
      `${toolName} has no Alertmanager to ask: set ALERTMANAGER_URL (or tools.alertmanager.url in the config file), or use source: "prometheus"`,
    );
  }
  return direct('Alertmanager', alertmanager.url, alertmanager.auth, 'ALERTMANAGER_URL');
}

export function resolveLokiEndpoint(
  config: ObservabilityConfig,
  datasourceUid: string | undefined,
  toolName: string,
): DatasourceEndpoint {
  const { loki, grafana } = config;
  const envVar = 'LOKI_URL';
  if (datasourceUid !== undefined && grafana !== undefined) {
    return grafanaProxy(grafana, datasourceUid, 'Loki', envVar);
  }
  if (loki !== undefined) {
    const note =
      datasourceUid === undefined
        ? null
        : `datasourceUid "${datasourceUid}" ignored: only one Loki is configured`;
    return direct('Loki', loki.url, loki.auth, envVar, note);
  }
  if (grafana?.lokiUid !== undefined) return grafanaProxy(grafana, grafana.lokiUid, 'Loki', envVar);
  throw new Error(
    `${toolName} has no Loki to ask: set ${envVar} (or tools.loki.url in the config file), or GRAFANA_URL with tools.grafana.lokiUid`,
  );
}
