/**
 * `query_loki_logs`, named and parameterised like Grafana's MCP server tool
 * (its `startRfc3339`/`endRfc3339` are accepted next to `startTime`/`endTime`).
 * Reads Loki's /loki/api/v1/query_range and hands the model at most `limit`
 * lines, each cut to a readable length; the full answer is kept as an artifact.
 */
import { z } from 'zod';
import type { JsonSchema, JsonValue } from '../../provider/spec.js';
import type { Tool } from '../tool.js';
import { resolveLokiEndpoint } from './datasource-endpoint.js';
import { fetchJson } from './fetch-json.js';
import { artifactNote, type ObservabilityRuntime } from './observability-runtime.js';
import { timeDescription } from './query-prometheus-tool.js';
import { prometheusData, summarisePrometheusData } from './summarise-prometheus-data.js';
import { formatHours, resolveTimeRange } from './time-range.js';

export interface QueryLokiLogsInput {
  datasourceUid?: string;
  logql: string;
  limit?: number;
  startTime?: string;
  endTime?: string;
  startRfc3339?: string;
  endRfc3339?: string;
  direction?: 'forward' | 'backward';
}

const name = 'query_loki_logs';
const defaultLimit = 100;
const maxLimit = 1_000;

const streamsData = z.object({
  resultType: z.literal('streams'),
  result: z.array(
    z.object({
      stream: z.record(z.string(), z.string()),
      // Loki 3 may append structured metadata as a third element.
      values: z.array(z.tuple([z.string().regex(/^\d+$/), z.string()], z.unknown())),
    }),
  ),
});

function inputSchema(limits: ObservabilityRuntime['limits']): JsonSchema {
  const window = `Windows longer than ${formatHours(limits.maxLogWindowSeconds)} are cut to their newest ${formatHours(limits.maxLogWindowSeconds)}.`;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: {
      datasourceUid: {
        type: 'string',
        minLength: 1,
        description: 'The Loki data source. Optional when one Loki is configured.',
      },
      logql: {
        type: 'string',
        minLength: 1,
        description:
          'The LogQL query: a stream selector with optional filters, e.g. {service="checkout-api"} |= "timeout".',
      },
      limit: {
        type: 'integer',
        minimum: 1,
        maximum: maxLimit,
        description: `Most log lines to return (default ${defaultLimit}).`,
      },
      startTime: {
        type: 'string',
        description: `Window start (default one hour before the end). ${timeDescription}. ${window}`,
      },
      endTime: { type: 'string', description: `Window end (default now). ${timeDescription}.` },
      startRfc3339: { type: 'string', description: 'Same as startTime (Grafana MCP name).' },
      endRfc3339: { type: 'string', description: 'Same as endTime (Grafana MCP name).' },
      direction: {
        type: 'string',
        enum: ['backward', 'forward'],
        description: '"backward" (default): newest lines first; "forward": oldest first.',
      },
    },
    required: ['logql'],
    additionalProperties: false,
  };
}

/** Nanoseconds since the epoch → RFC 3339 keeping Loki's full precision (ordering matters). */
export function nanosecondsToRfc3339(nanoseconds: string): string {
  const value = BigInt(nanoseconds);
  const seconds = value / 1_000_000_000n;
  const fraction = (value % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, `.${fraction}Z`);
}

function toNanoseconds(date: Date): string {
  return (BigInt(date.getTime()) * 1_000_000n).toString();
}

type LogLine = { time: string; labels: Record<string, string>; line: string };

type Streams = z.infer<typeof streamsData>['result'];

interface LogLines {
  lines: LogLine[];
  /** Lines Loki returned, across streams. */
  totalLines: number;
  /** Lines shortened to `maxLineChars`. */
  cutLines: number;
}

/** Loki applies the limit across streams; merged, the lines read in one time order. */
export function readLogLines(
  streams: Streams,
  direction: 'forward' | 'backward',
  limit: number,
  maxLineChars: number,
): LogLines {
  const all = streams.flatMap((stream) =>
    stream.values.map(([nanoseconds, line]) => ({
      nanoseconds: BigInt(nanoseconds),
      labels: stream.stream,
      line,
    })),
  );
  all.sort((left, right) => {
    const order =
      left.nanoseconds < right.nanoseconds ? -1 : left.nanoseconds > right.nanoseconds ? 1 : 0;
    return direction === 'backward' ? -order : order;
  });
  let cutLines = 0;
  const lines = all.slice(0, limit).map((entry): LogLine => {
    let line = entry.line;
    if (line.length > maxLineChars) {
      cutLines += 1;
      line = `${line.slice(0, maxLineChars)}… [${line.length - maxLineChars} more characters]`;
    }
    const time = nanosecondsToRfc3339(entry.nanoseconds.toString());
    return { time, labels: { ...entry.labels }, line };
  });
  return { lines, totalLines: all.length, cutLines };
}

export function createQueryLokiLogsTool(runtime: ObservabilityRuntime): Tool {
  const { limits } = runtime;
  const schema = inputSchema(limits);
  const path = '/loki/api/v1/query_range';
  return {
    name,
    description: `Queries Loki with LogQL over a time window (default the last hour) and returns at most limit lines (default ${defaultLimit}), each with its time, stream labels and text (cut to ${limits.maxLineChars} characters). The full result is saved as an artifact. Metric queries (rate, count_over_time) come back summarised per series.`,
    inputSchema: schema,
    effect: 'read',
    async run(rawInput, context) {
      const input = runtime.readInput<QueryLokiLogsInput>(name, schema, rawInput);
      const endpoint = resolveLokiEndpoint(runtime.config, input.datasourceUid, name);
      const limit = input.limit ?? defaultLimit;
      const direction = input.direction ?? 'backward';
      const range = resolveTimeRange(
        {
          startTime: input.startTime ?? input.startRfc3339,
          endTime: input.endTime ?? input.endRfc3339,
          defaultWindowSeconds: 3_600,
          maxWindowSeconds: limits.maxLogWindowSeconds,
          overCap: 'clamp',
        },
        runtime.clock(),
      );
      const notes: string[] = endpoint.note === null ? [] : [endpoint.note];
      if (range.requestedStart !== null) {
        notes.push(
          `window cut to the newest ${formatHours(limits.maxLogWindowSeconds)}: asked from ${range.requestedStart.toISOString()}`,
        );
      }
      const params = new URLSearchParams({
        query: input.logql,
        limit: String(limit),
        start: toNanoseconds(range.start),
        end: toNanoseconds(range.end),
        direction,
      });
      const body = await fetchJson(endpoint, path, params, runtime.requestOptions(context));
      const artifact = await runtime.storeArtifact(context, 'loki', {
        request: { datasource: endpoint.label, path, ...Object.fromEntries(params) },
        response: body as JsonValue,
      });
      const header = {
        datasource: endpoint.label,
        logql: input.logql,
        start: range.start.toISOString(),
        end: range.end.toISOString(),
        direction,
        limit,
      };
      const data = typeof body === 'object' && body !== null && 'data' in body ? body.data : null;
      const metric = prometheusData.safeParse(data);
      if (metric.success) {
        const summary = summarisePrometheusData(metric.data, {
          maxSeries: limits.maxSeries,
          maxPoints: limits.maxSummaryPoints,
        });
        notes.push(...summary.notes, artifactNote(artifact));
        return { ...header, ...summary, notes, artifact };
      }
      const streams = streamsData.safeParse(data);
      if (!streams.success) {
        throw new Error(
          `Loki answered ${path} with a result warroom does not understand: is ${endpoint.envVar} the Loki URL?`,
        );
      }
      const { lines, totalLines, cutLines } = readLogLines(
        streams.data.result,
        direction,
        limit,
        limits.maxLineChars,
      );
      if (cutLines > 0) {
        notes.push(
          `${cutLines} ${cutLines === 1 ? 'line' : 'lines'} cut to ${limits.maxLineChars} characters`,
        );
      }
      if (totalLines >= limit) {
        notes.push(
          `the limit of ${limit} lines was reached: there may be more; narrow the window or the query, or raise limit (at most ${maxLimit})`,
        );
      }
      notes.push(artifactNote(artifact));
      return {
        ...header,
        streamCount: streams.data.result.length,
        totalLines,
        lineCount: lines.length,
        lines,
        notes,
        artifact,
      };
    },
  };
}
