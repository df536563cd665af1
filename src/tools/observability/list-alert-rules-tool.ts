/**
 * `list_alert_rules`: the alerting rules a Prometheus evaluates (/api/v1/rules),
 * with their state, so the model can tell a firing rule from one that is merely
 * defined, and read the PromQL behind each alert.
 */
import { z } from 'zod';
import type { JsonSchema } from '../../provider/spec.js';
import type { Tool } from '../tool.js';
import { resolvePrometheusEndpoint } from './datasource-endpoint.js';
import { fetchJson } from './fetch-json.js';
import type { ObservabilityRuntime } from './observability-runtime.js';

export interface ListAlertRulesInput {
  datasourceUid?: string;
  state?: 'firing' | 'pending' | 'inactive';
  groupName?: string;
}

const name = 'list_alert_rules';

const labels = z.record(z.string(), z.string()).optional();

const rulesResponse = z.object({
  data: z.object({
    groups: z.array(
      z.object({
        name: z.string(),
        file: z.string().optional(),
        rules: z.array(
          z.object({
            type: z.string(),
            name: z.string(),
            query: z.string(),
            state: z.string().optional(),
            duration: z.number().optional(),
            labels,
            annotations: labels,
            alerts: z.array(z.unknown()).optional(),
            health: z.string().optional(),
            lastError: z.string().optional(),
          }),
        ),
      }),
    ),
  }),
});

const schema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    datasourceUid: {
      type: 'string',
      minLength: 1,
      description: 'The Prometheus data source. Optional when one Prometheus is configured.',
    },
    state: {
      type: 'string',
      enum: ['firing', 'pending', 'inactive'],
      description: 'Only rules in this state. Default: every alerting rule.',
    },
    groupName: { type: 'string', minLength: 1, description: 'Only rules of this rule group.' },
  },
  additionalProperties: false,
};

/** Seconds as a rule file writes them: 120 → "2m", 90 → "1m30s". */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [
    ['h', 3_600],
    ['m', 60],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${Number(rest.toFixed(3))}s`);
  return parts.join('');
}

export function createListAlertRulesTool(runtime: ObservabilityRuntime): Tool {
  const { limits } = runtime;
  return {
    name,
    description: `Lists the alerting rules Prometheus evaluates: group, name, state (firing, pending, inactive), PromQL query, "for" duration, labels, annotations and how many alerts each has active. At most ${limits.maxListed} rules; filter by state or groupName.`,
    inputSchema: schema,
    effect: 'read',
    async run(rawInput, context) {
      const input = runtime.readInput<ListAlertRulesInput>(name, schema, rawInput);
      const endpoint = resolvePrometheusEndpoint(runtime.config, input.datasourceUid, name);
      const params = new URLSearchParams({ type: 'alert' });
      const body = await fetchJson(
        endpoint,
        '/api/v1/rules',
        params,
        runtime.requestOptions(context),
      );
      const parsed = rulesResponse.safeParse(body);
      if (!parsed.success) {
        throw new Error(`${endpoint.service} answered /api/v1/rules with an unexpected shape`);
      }
      const rules = parsed.data.data.groups
        .filter((group) => input.groupName === undefined || group.name === input.groupName)
        .flatMap((group) =>
          group.rules
            .filter((rule) => rule.type === 'alerting')
            .filter((rule) => input.state === undefined || rule.state === input.state)
            .map((rule) => ({
              group: group.name,
              name: rule.name,
              state: rule.state ?? 'unknown',
              query: rule.query,
              duration: formatDuration(rule.duration ?? 0),
              labels: rule.labels ?? {},
              annotations: rule.annotations ?? {},
              activeAlerts: rule.alerts?.length ?? 0,
              health: rule.health ?? 'unknown',
              lastError: rule.lastError || null,
            })),
        );
      const shown = rules.slice(0, limits.maxListed);
      const notes: string[] = endpoint.note === null ? [] : [endpoint.note];
      if (shown.length < rules.length) {
        notes.push(
          `${rules.length} rules; the first ${shown.length} are shown: filter by state or groupName`,
        );
      }
      const groups = [...new Set(rules.map((rule) => rule.group))];
      return {
        datasource: endpoint.label,
        ruleCount: rules.length,
        groups,
        rules: shown,
        notes,
      };
    },
  };
}
