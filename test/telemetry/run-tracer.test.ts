import { SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createRunTracer, type RunEvent } from '../../src/index.js';

const model = 'anthropic/claude-sonnet-4-5';
const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
const at = (ms: number) => new Date(Date.UTC(2025, 10, 18, 1, 42, 0, ms)).toISOString();
const ms = (ms: number) => Date.UTC(2025, 10, 18, 1, 42, 0, ms);

/** Two subtasks: the first calls a tool and survives a retry, the second fails. */
const events: RunEvent[] = [
  {
    type: 'run-start',
    at: at(0),
    runId: 'run-1',
    chain: 'incident-response',
    version: '1.0.0',
    subtasks: [1, 2],
    retryPolicy: {
      maxAttempts: 4,
      baseDelayMs: 1000,
      maxDelayMs: 30000,
      maxRetryAfterMs: 60000,
      timeoutMs: 180000,
    },
  },
  { type: 'subtask-start', at: at(10), subtask: 1, persona: 'sre', model },
  {
    type: 'model-call',
    at: at(300),
    subtask: 1,
    turn: 1,
    model,
    durationMs: 250,
    finishReason: 'tool-calls',
    usage: { inputTokens: 1200, outputTokens: 80 },
    costUsd: 0.0048,
    responseId: 'msg_1',
  },
  {
    type: 'tool-call',
    at: at(420),
    subtask: 1,
    turn: 1,
    tool: 'prometheus_query',
    toolCallId: 'toolu_1',
    input: '{"query":"up"}',
    status: 'ok',
    effect: 'read',
    durationMs: 100,
  },
  {
    type: 'model-retry',
    at: at(430),
    subtask: 1,
    turn: 2,
    attempt: 1,
    delayMs: 1000,
    reason: 'rate limited (429)',
    statusCode: 429,
  },
  {
    type: 'model-call',
    at: at(1700),
    subtask: 1,
    turn: 2,
    model,
    durationMs: 200,
    finishReason: 'stop',
    usage: { inputTokens: 1500, outputTokens: 400 },
  },
  {
    type: 'subtask-end',
    at: at(1710),
    subtask: 1,
    status: 'succeeded',
    turns: 2,
    durationMs: 1700,
    usage: { ...usage, inputTokens: 2700, outputTokens: 480 },
    output: 'outputs/subtask-1.json',
  },
  { type: 'subtask-start', at: at(1720), subtask: 2, persona: 'observability-expert', model },
  {
    type: 'model-call',
    at: at(2000),
    subtask: 2,
    turn: 1,
    model,
    durationMs: 150,
    finishReason: 'stop',
    usage: { inputTokens: 900, outputTokens: 50 },
  },
  {
    type: 'subtask-fail',
    at: at(2010),
    subtask: 2,
    code: 'OUTPUT_INVALID',
    message: 'subtask 2 output does not match its schema',
    durationMs: 290,
  },
  { type: 'run-end', at: at(2100), status: 'failed', durationMs: 2100, reason: 'subtask 2 failed' },
];

function traced(sequence: RunEvent[]) {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = createRunTracer({ tracerProvider });
  for (const event of sequence) tracer.onEvent(event);
  return { tracer, exporter };
}

const toMs = (span: ReadableSpan, which: 'startTime' | 'endTime') =>
  span[which][0] * 1000 + span[which][1] / 1e6;

function byName(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  expect(found, name).toHaveLength(1);
  return found[0] as ReadableSpan;
}

describe('createRunTracer', () => {
  it('builds the run → subtask → call span tree from events alone', async () => {
    const { tracer, exporter } = traced(events);
    await tracer.shutdown();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name).sort()).toEqual([
      'chat claude-sonnet-4-5',
      'chat claude-sonnet-4-5',
      'chat claude-sonnet-4-5',
      'execute_tool prometheus_query',
      'invoke_agent observability-expert',
      'invoke_agent sre',
      'run incident-response',
    ]);
    const run = byName(spans, 'run incident-response');
    const sre = byName(spans, 'invoke_agent sre');
    const observability = byName(spans, 'invoke_agent observability-expert');
    const tool = byName(spans, 'execute_tool prometheus_query');
    const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
    expect(parentOf(run)).toBeUndefined();
    expect(parentOf(sre)).toBe(run.spanContext().spanId);
    expect(parentOf(observability)).toBe(run.spanContext().spanId);
    expect(parentOf(tool)).toBe(sre.spanContext().spanId);
    const chats = spans.filter((span) => span.name.startsWith('chat '));
    expect(chats.map((span) => [span.attributes['warroom.subtask'], parentOf(span)])).toEqual(
      expect.arrayContaining([
        [1, sre.spanContext().spanId],
        [1, sre.spanContext().spanId],
        [2, observability.spanContext().spanId],
      ]),
    );
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(1);
  });

  it('takes every timing from the events: a call starts durationMs before it was logged', async () => {
    const { tracer, exporter } = traced(events);
    await tracer.shutdown();
    const spans = exporter.getFinishedSpans();
    const run = byName(spans, 'run incident-response');
    expect([toMs(run, 'startTime'), toMs(run, 'endTime')]).toEqual([ms(0), ms(2100)]);
    const sre = byName(spans, 'invoke_agent sre');
    expect([toMs(sre, 'startTime'), toMs(sre, 'endTime')]).toEqual([ms(10), ms(1710)]);
    const firstChat = spans.find((span) => span.attributes['gen_ai.response.id'] === 'msg_1');
    expect(firstChat && [toMs(firstChat, 'startTime'), toMs(firstChat, 'endTime')]).toEqual([
      ms(50),
      ms(300),
    ]);
    const tool = byName(spans, 'execute_tool prometheus_query');
    expect([toMs(tool, 'startTime'), toMs(tool, 'endTime')]).toEqual([ms(320), ms(420)]);
  });

  it('records GenAI semantic-convention attributes on model and tool spans', async () => {
    const { tracer, exporter } = traced(events);
    await tracer.shutdown();
    const spans = exporter.getFinishedSpans();
    const firstChat = spans.find((span) => span.attributes['gen_ai.response.id'] === 'msg_1');
    expect(firstChat?.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.response.finish_reasons': ['tool-calls'],
      'gen_ai.response.id': 'msg_1',
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 80,
      'warroom.cost_usd': 0.0048,
      'warroom.run.id': 'run-1',
      'warroom.chain.id': 'incident-response',
      'warroom.chain.version': '1.0.0',
      'warroom.subtask': 1,
      'warroom.turn': 1,
    });
    expect(byName(spans, 'execute_tool prometheus_query').attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'prometheus_query',
      'gen_ai.tool.call.id': 'toolu_1',
      'warroom.tool.effect': 'read',
      'warroom.subtask': 1,
      'warroom.turn': 1,
    });
    const sre = byName(spans, 'invoke_agent sre');
    expect(sre.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'sre',
      'gen_ai.usage.input_tokens': 2700,
      'gen_ai.usage.output_tokens': 480,
      'warroom.retries': 1,
      'warroom.turns': 2,
    });
    expect(sre.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        'warroom.model-retry',
        {
          'warroom.retry.attempt': 1,
          'warroom.retry.delay_ms': 1000,
          'warroom.reason': 'rate limited (429)',
          'warroom.turn': 2,
          'http.response.status_code': 429,
        },
      ],
    ]);
    expect(sre.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a failed subtask and a failed run as errors with their messages', async () => {
    const { tracer, exporter } = traced(events);
    await tracer.shutdown();
    const spans = exporter.getFinishedSpans();
    const failed = byName(spans, 'invoke_agent observability-expert');
    expect(failed.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'subtask 2 output does not match its schema',
    });
    expect(failed.attributes['error.type']).toBe('OUTPUT_INVALID');
    expect(byName(spans, 'run incident-response').status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'subtask 2 failed',
    });
  });

  it('marks a refused tool call as an error', async () => {
    const refused: RunEvent = {
      type: 'tool-call',
      at: at(420),
      subtask: 1,
      turn: 1,
      tool: 'github_create_issue',
      toolCallId: 'toolu_2',
      input: '{}',
      status: 'refused',
      effect: 'write',
      reason: 'write tool not approved',
      durationMs: 0,
    };
    const { tracer, exporter } = traced([...events.slice(0, 2), refused]);
    await tracer.shutdown();
    const span = byName(exporter.getFinishedSpans(), 'execute_tool github_create_issue');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'write tool not approved' });
  });

  it('ends the spans of a run that stopped without run-end when shut down', async () => {
    const { tracer, exporter } = traced(events.slice(0, 3));
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual([
      'chat claude-sonnet-4-5',
    ]);
    await tracer.shutdown();
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(3);
    expect(byName(spans, 'invoke_agent sre').status.code).toBe(SpanStatusCode.ERROR);
    expect(byName(spans, 'run incident-response').status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'the run did not finish',
    });
  });

  it('exports through a batch processor, flushed on shutdown, when given only an exporter', async () => {
    // InMemorySpanExporter forgets its spans on shutdown, so keep what reaches export().
    const received: ReadableSpan[] = [];
    const exporter: SpanExporter = {
      export(spans, done) {
        received.push(...spans);
        done({ code: 0 }); // ExportResultCode.SUCCESS
      },
      shutdown: async () => {},
    };
    const tracer = createRunTracer({ exporter });
    for (const event of events) tracer.onEvent(event);
    expect(received).toHaveLength(0);
    await tracer.shutdown();
    expect(received).toHaveLength(7);
  });
});
