/**
 * The tracer and provider fallback: a `model-fallback` event becomes a span event on
 * its subtask's span, the chat span after it names the fallback model, and an event
 * type the tracer does not know (a log from a newer version) is passed over.
 */
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createRunTracer, type RunEvent } from '../../src/index.js';

const at = (ms: number) => new Date(Date.UTC(2025, 10, 18, 1, 42, 0, ms)).toISOString();
const primary = 'anthropic/claude-sonnet-4-5';
const fallback = 'openai/gpt-4.1';

const events: RunEvent[] = [
  {
    type: 'run-start',
    at: at(0),
    runId: 'run-1',
    chain: 'incident-response',
    version: '1.0.0',
    subtasks: [1],
    retryPolicy: {
      maxAttempts: 2,
      baseDelayMs: 1000,
      maxDelayMs: 30000,
      maxRetryAfterMs: 60000,
      timeoutMs: 180000,
    },
  },
  { type: 'subtask-start', at: at(10), subtask: 1, persona: 'sre', model: primary },
  {
    type: 'model-fallback',
    at: at(500),
    subtask: 1,
    turn: 1,
    from: primary,
    to: fallback,
    reason: 'HTTP 529 overloaded_error (gave up after 2 attempts)',
  },
  // A later version's event: no span, no throw.
  { type: 'model-hedge', at: at(510), subtask: 1, to: 'x' } as unknown as RunEvent,
  {
    type: 'model-call',
    at: at(900),
    subtask: 1,
    turn: 1,
    model: fallback,
    durationMs: 300,
    finishReason: 'stop',
    usage: { inputTokens: 100, outputTokens: 20 },
  },
  {
    type: 'subtask-end',
    at: at(910),
    subtask: 1,
    status: 'succeeded',
    turns: 1,
    durationMs: 900,
    usage: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 },
    output: 'outputs/subtask-1.json',
  },
  { type: 'run-end', at: at(1000), status: 'succeeded', durationMs: 1000 },
];

describe('createRunTracer with a fallback', () => {
  it('marks the switch on the subtask span and names the fallback on the chat span', async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = createRunTracer({
      tracerProvider: new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      }),
    });
    for (const event of events) tracer.onEvent(event);
    await tracer.shutdown();
    const spans = exporter.getFinishedSpans();
    const subtask = spans.find((span) => span.name === 'invoke_agent sre') as ReadableSpan;
    expect(subtask.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        'warroom.model-fallback',
        {
          'warroom.fallback.from': primary,
          'warroom.fallback.to': fallback,
          'warroom.reason': 'HTTP 529 overloaded_error (gave up after 2 attempts)',
          'warroom.turn': 1,
        },
      ],
    ]);
    const chat = spans.find((span) => span.name.startsWith('chat ')) as ReadableSpan;
    expect(chat.name).toBe('chat gpt-4.1');
    expect(chat.attributes['gen_ai.provider.name']).toBe('openai');
    expect(spans).toHaveLength(3);
  });
});
