import type { Tool } from '../tool.js';
import type { ObservabilityConfig } from './datasource-endpoint.js';
import { createListAlertRulesTool } from './list-alert-rules-tool.js';
import { createListAlertsTool } from './list-alerts-tool.js';
import { createObservabilityRuntime, type ObservabilityDeps } from './observability-runtime.js';
import { createQueryLokiLogsTool } from './query-loki-logs-tool.js';
import { createQueryPrometheusTool } from './query-prometheus-tool.js';

/**
 * The read-only observability tools: query_prometheus, list_alert_rules,
 * list_alerts, query_loki_logs. All four are always returned; one whose endpoint
 * is not configured fails when called, naming the environment variable to set,
 * so a persona's allowlist does not depend on the operator's shell.
 */
export function createObservabilityTools(
  config: ObservabilityConfig,
  deps: ObservabilityDeps = {},
): Tool[] {
  const runtime = createObservabilityRuntime(config, deps);
  return [
    createQueryPrometheusTool(runtime),
    createListAlertRulesTool(runtime),
    createListAlertsTool(runtime),
    createQueryLokiLogsTool(runtime),
  ];
}
