/**
 * tools/observability/: read-only tools over Prometheus, Alertmanager and Loki
 * (directly, or through Grafana's data-source proxy), named and parameterised
 * like Grafana's MCP server so prompts are portable between the two. Owns time
 * parsing, bounded summaries for the model and artifacts for full results.
 * Knows nothing of chains, the engine, the agent loop or the CLI; endpoints come
 * in as a `ToolsConfig` slice, fetch and the clock are injected.
 */
export { createObservabilityTools } from './create-observability-tools.js';
export {
  authHeaders,
  type DatasourceEndpoint,
  type ObservabilityConfig,
  resolveAlertmanagerEndpoint,
  resolveLokiEndpoint,
  resolvePrometheusEndpoint,
} from './datasource-endpoint.js';
export { ObservabilityServerError } from './fetch-json.js';
export { type LabelMatcher, matchesLabels, parseLabelMatchers } from './label-matchers.js';
export type { ListAlertRulesInput } from './list-alert-rules-tool.js';
export type { ListAlertsInput } from './list-alerts-tool.js';
export {
  defaultObservabilityLimits,
  type ObservabilityDeps,
  type ObservabilityLimits,
} from './observability-runtime.js';
export { nanosecondsToRfc3339, type QueryLokiLogsInput } from './query-loki-logs-tool.js';
export type { QueryPrometheusInput } from './query-prometheus-tool.js';
export {
  downsampleIndices,
  type PrometheusSummary,
  type SeriesSummary,
  summarisePrometheusData,
} from './summarise-prometheus-data.js';
export {
  chooseStep,
  parseDurationSeconds,
  parseTimeInput,
  resolveTimeRange,
} from './time-range.js';
