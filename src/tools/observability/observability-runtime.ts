/**
 * What every observability tool shares: configuration, the injected fetch and
 * clock, limits, input validation and artifact storage. Built once per
 * `createObservabilityTools` call; nothing here is global.
 */
import type { JsonSchema, JsonValue } from '../../provider/spec.js';
import { createSchemaValidator, type SchemaValidator } from '../../schema/index.js';
import type { ToolContext } from '../tool.js';
import type { ObservabilityConfig } from './datasource-endpoint.js';
import type { FetchJsonOptions } from './fetch-json.js';

export interface ObservabilityLimits {
  /** Longest Prometheus range a query may cover; a longer one is refused. */
  maxRangeSeconds: number;
  /** Longest Loki window; a longer one is clamped to the newest part. */
  maxLogWindowSeconds: number;
  /** Points per series Prometheus is asked for; the step is raised to stay under it. */
  maxPointsPerSeries: number;
  /** Series shown in a summary. */
  maxSeries: number;
  /** Points shown per series in a summary. */
  maxSummaryPoints: number;
  /** Alerts and rules listed. */
  maxListed: number;
  /** Characters of one log line shown. */
  maxLineChars: number;
  requestTimeoutMs: number;
}

export const defaultObservabilityLimits: Readonly<ObservabilityLimits> = Object.freeze({
  maxRangeSeconds: 24 * 3_600,
  maxLogWindowSeconds: 24 * 3_600,
  maxPointsPerSeries: 1_000,
  maxSeries: 20,
  maxSummaryPoints: 30,
  maxListed: 50,
  maxLineChars: 500,
  requestTimeoutMs: 15_000,
});

export interface ObservabilityDeps {
  fetch?: typeof fetch;
  clock?: () => Date;
  limits?: Partial<ObservabilityLimits>;
}

export interface ObservabilityRuntime {
  config: ObservabilityConfig;
  clock: () => Date;
  limits: ObservabilityLimits;
  requestOptions(context: ToolContext): FetchJsonOptions;
  /** Validates input against the tool's schema (direct library callers get the same checks). */
  readInput<T>(toolName: string, schema: JsonSchema, input: JsonValue): T;
  /** Stores a full result; returns its path, or null when the run keeps no artifacts. */
  storeArtifact(context: ToolContext, prefix: string, content: JsonValue): Promise<string | null>;
}

/** `2026-11-26T10:15:00.123Z` → `20261126T101500123Z`: sortable and safe in any file system. */
function compactTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

export function createObservabilityRuntime(
  config: ObservabilityConfig,
  deps: ObservabilityDeps = {},
): ObservabilityRuntime {
  const fetchImplementation = deps.fetch ?? globalThis.fetch;
  const clock = deps.clock ?? (() => new Date());
  const limits: ObservabilityLimits = { ...defaultObservabilityLimits, ...deps.limits };
  const validator: SchemaValidator = createSchemaValidator();

  return {
    config,
    clock,
    limits,
    requestOptions: (context) => ({
      fetch: fetchImplementation,
      signal: context.signal,
      timeoutMs: limits.requestTimeoutMs,
    }),
    readInput<T>(toolName: string, schema: JsonSchema, input: JsonValue): T {
      const violations = validator.validate(schema, input);
      if (violations.length > 0) {
        throw new Error(`${toolName}: invalid input: ${validator.formatViolations(violations)}`);
      }
      return input as T;
    },
    async storeArtifact(context, prefix, content) {
      if (context.artifacts === undefined) return null;
      const id = context.toolCallId?.replace(/[^A-Za-z0-9_-]/g, '_') || compactTimestamp(clock());
      return context.artifacts.write(
        `${prefix}-${id}.json`,
        `${JSON.stringify(content, null, 2)}\n`,
        context.signal,
      );
    },
  };
}

export function artifactNote(path: string | null): string {
  return path === null
    ? 'the full result was not kept: this run has no artifact store'
    : `the full result is in the artifact ${path}`;
}
