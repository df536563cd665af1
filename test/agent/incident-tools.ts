/**
 * Small local tools and tool-call replies for agent tests: a read tool that looks
 * up a metric, a write tool that records every restart it performs, and a probe
 * that always throws. Each tool counts its runs, so a test can assert it never ran.
 */
import type { GenerateResult, JsonSchema, JsonValue } from '../../src/provider/spec.js';
import { type Tool, ToolRegistry } from '../../src/tools/index.js';

const objectWith = (property: string): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required: [property],
  properties: { [property]: { type: 'string' } },
});

export interface IncidentTools {
  registry: ToolRegistry;
  lookups: JsonValue[];
  restarts: JsonValue[];
  probes: number;
}

export function incidentTools(): IncidentTools {
  const state: IncidentTools = {
    registry: new ToolRegistry(),
    lookups: [],
    restarts: [],
    probes: 0,
  };
  const lookupMetric: Tool = {
    name: 'lookup_metric',
    description: 'Current value of a Prometheus metric.',
    inputSchema: objectWith('metric'),
    effect: 'read',
    async run(input) {
      state.lookups.push(input);
      return { metric: (input as { metric: string }).metric, p99Ms: 4000 };
    },
  };
  const restartService: Tool = {
    name: 'restart_service',
    description: 'Restarts a service.',
    inputSchema: objectWith('service'),
    effect: 'write',
    async run(input) {
      state.restarts.push(input);
      return { restarted: (input as { service: string }).service };
    },
  };
  const flakyProbe: Tool = {
    name: 'flaky_probe',
    description: 'Probes an endpoint.',
    inputSchema: { type: 'object' },
    effect: 'read',
    async run() {
      state.probes++;
      throw new Error('probe timed out after 5s');
    },
  };
  state.registry.register(lookupMetric).register(restartService).register(flakyProbe);
  return state;
}

/** A reply that calls tools: `[toolCallId, toolName, raw input]`, optionally after some text. */
export function toolCallReply(
  calls: Array<[string, string, string]>,
  options: { text?: string; usage?: { inputTokens: number; outputTokens: number } } = {},
): GenerateResult {
  return {
    content: [
      ...(options.text === undefined ? [] : [{ type: 'text' as const, text: options.text }]),
      ...calls.map(([toolCallId, toolName, input]) => ({
        type: 'tool-call' as const,
        toolCallId,
        toolName,
        input,
      })),
    ],
    finishReason: { unified: 'tool-calls', raw: 'tool_use' },
    usage: options.usage ?? { inputTokens: 100, outputTokens: 20 },
    warnings: [],
    response: { id: 'msg_tool_call' },
  };
}
