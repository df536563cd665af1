/**
 * A batch runs incidents side by side in one process: their events interleave, and
 * each incident still gets its own trace with its own subtask spans.
 */
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createRunTracer, type RunEvent } from '../../src/index.js';

const at = (ms: number) => new Date(Date.UTC(2025, 10, 18, 1, 42, 0, ms)).toISOString();
const policy = {
  maxAttempts: 2,
  baseDelayMs: 1000,
  maxDelayMs: 30000,
  maxRetryAfterMs: 60000,
  timeoutMs: 180000,
};

function start(runId: string, ms: number): RunEvent {
  return {
    type: 'run-start',
    at: at(ms),
    runId,
    chain: 'incident-response',
    version: '1.0.0',
    subtasks: [1],
    retryPolicy: policy,
  };
}

describe('traces of concurrent runs', () => {
  it('keeps interleaved incidents in separate traces', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = createRunTracer({ tracerProvider: provider });
    const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
    const interleaved: Array<[string, RunEvent]> = [
      ['a', start('run-a', 0)],
      ['b', start('run-b', 5)],
      ['a', { type: 'subtask-start', at: at(10), subtask: 1, persona: 'sre', model: 'm' }],
      ['b', { type: 'subtask-start', at: at(12), subtask: 1, persona: 'sre', model: 'm' }],
      [
        'b',
        {
          type: 'subtask-end',
          at: at(50),
          subtask: 1,
          status: 'succeeded',
          turns: 1,
          durationMs: 38,
          usage,
          output: 'outputs/subtask-1.json',
        },
      ],
      ['b', { type: 'run-end', at: at(60), status: 'succeeded', durationMs: 55 }],
      [
        'a',
        {
          type: 'subtask-fail',
          at: at(70),
          subtask: 1,
          code: 'OUTPUT_INVALID',
          message: 'no JSON',
          durationMs: 60,
        },
      ],
      ['a', { type: 'run-end', at: at(80), status: 'failed', durationMs: 80 }],
    ];
    for (const [run, event] of interleaved) tracer.onEvent(event, run);
    await tracer.shutdown();

    const spans = exporter.getFinishedSpans();
    const roots = spans.filter((span) => span.name.startsWith('run '));
    expect(roots.map((span) => span.attributes['warroom.run.id']).sort()).toEqual([
      'run-a',
      'run-b',
    ]);
    for (const root of roots) {
      const children = spans.filter(
        (span) => span.parentSpanContext?.spanId === root.spanContext().spanId,
      );
      expect(children).toHaveLength(1);
      expect(children[0]?.spanContext().traceId).toBe(root.spanContext().traceId);
    }
    const traceIds = new Set(roots.map((span) => span.spanContext().traceId));
    expect(traceIds.size).toBe(2);
  });
});
