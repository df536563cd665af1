/**
 * Turns a run's events into OpenTelemetry spans: run → subtask → model call /
 * tool call, with GenAI semantic-convention attributes. Every timing comes from
 * the events themselves (a call's start is its `at` minus its `durationMs`), so a
 * run log replayed later yields the same trace as the live run.
 */
import { createRequire } from 'node:module';
import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TimeInput,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { RunEvent } from '../engine/index.js';

export interface RunTracerOptions {
  /** Where spans go; by default the globally registered provider (a no-op unless the host set one). */
  tracerProvider?: TracerProvider;
  /** Shorthand for a provider exporting through a BatchSpanProcessor; shut down with the tracer. */
  exporter?: SpanExporter;
}

export interface RunTracer {
  /**
   * `run` tells concurrent runs apart (a batch: one trace per incident); events of one
   * run in a process need none.
   */
  onEvent(event: RunEvent, run?: string): void;
  /** Ends spans a run left open (crash, abort), then flushes the provider. */
  shutdown(): Promise<void>;
}

type SubtaskEvent = Extract<RunEvent, { subtask: number }>;

interface OpenRun {
  span: Span;
  context: Context;
  attributes: Attributes;
}

interface OpenSubtask {
  span: Span;
  context: Context;
  retries: number;
}

interface Flushable {
  forceFlush?: () => Promise<void>;
  shutdown?: () => Promise<void>;
}

export function createRunTracer(options: RunTracerOptions = {}): RunTracer {
  const owned = options.tracerProvider ? undefined : exportingProvider(options.exporter);
  const provider: TracerProvider & Flushable =
    options.tracerProvider ?? owned ?? trace.getTracerProvider();
  const tracer = provider.getTracer('warroom');
  const translators = new Map<string, SpanTranslator>();
  return {
    onEvent: (event, run = '') => {
      let translator = translators.get(run);
      if (!translator) {
        translator = new SpanTranslator(tracer);
        translators.set(run, translator);
      }
      translator.onEvent(event);
    },
    async shutdown() {
      for (const translator of translators.values()) translator.endOpenSpans(new Date());
      if (owned) await owned.shutdown();
      else await provider.forceFlush?.();
    },
  };
}

/** Loaded on demand so importing the library does not load the SDK. */
function exportingProvider(exporter: SpanExporter | undefined) {
  if (!exporter) return undefined;
  const sdk: typeof import('@opentelemetry/sdk-trace-base') = createRequire(import.meta.url)(
    '@opentelemetry/sdk-trace-base',
  );
  return new sdk.BasicTracerProvider({ spanProcessors: [new sdk.BatchSpanProcessor(exporter)] });
}

class SpanTranslator {
  private run: OpenRun | undefined;
  private readonly subtasks = new Map<number, OpenSubtask>();

  constructor(private readonly tracer: Tracer) {}

  onEvent(event: RunEvent): void {
    switch (event.type) {
      case 'run-start':
        this.startRun(event.at, `run ${event.chain}`, {
          'warroom.run.id': event.runId,
          'warroom.chain.id': event.chain,
          'warroom.chain.version': event.version,
        });
        return;
      case 'run-resume':
        this.startRun(event.at, 'resume run', {
          'warroom.run.id': event.runId,
          'warroom.run.resumed': true,
        });
        return;
      case 'run-end':
        this.endRun(event);
        return;
      case 'report-write':
        this.run?.span.addEvent(
          'warroom.report-write',
          { 'warroom.report.valid': event.valid },
          time(event.at),
        );
        return;
      case 'subtask-skip':
        this.run?.span.addEvent(
          'warroom.subtask-skip',
          { 'warroom.subtask': event.subtask, 'warroom.reason': event.reason },
          time(event.at),
        );
        return;
      default:
        this.onSubtaskEvent(event);
        return;
    }
  }

  private onSubtaskEvent(event: SubtaskEvent): void {
    switch (event.type) {
      case 'subtask-start':
        this.startSubtask(event);
        return;
      case 'model-call':
        this.modelCall(event);
        return;
      case 'tool-call':
        this.toolCall(event);
        return;
      case 'model-retry': {
        const subtask = this.subtasks.get(event.subtask);
        if (subtask) subtask.retries += 1;
        subtask?.span.addEvent(
          'warroom.model-retry',
          defined({
            'warroom.retry.attempt': event.attempt,
            'warroom.retry.delay_ms': event.delayMs,
            'warroom.reason': event.reason,
            'warroom.turn': event.turn,
            'http.response.status_code': event.statusCode,
          }),
          time(event.at),
        );
        return;
      }
      case 'model-fallback':
        this.subtasks.get(event.subtask)?.span.addEvent(
          'warroom.model-fallback',
          defined({
            'warroom.fallback.from': event.from,
            'warroom.fallback.to': event.to,
            'warroom.reason': event.reason,
            'warroom.turn': event.turn,
          }),
          time(event.at),
        );
        return;
      case 'output-invalid':
        this.subtasks
          .get(event.subtask)
          ?.span.addEvent(
            'warroom.output-invalid',
            { 'warroom.turn': event.turn, 'warroom.violations': event.violations.length },
            time(event.at),
          );
        return;
      case 'subtask-limit':
        this.subtasks
          .get(event.subtask)
          ?.span.addEvent(
            'warroom.subtask-limit',
            { 'warroom.turn': event.turn, 'warroom.reason': event.reason },
            time(event.at),
          );
        return;
      case 'subtask-end':
        this.endSubtask(event.subtask, event.at, {
          'warroom.subtask.status': event.status,
          'warroom.turns': event.turns,
          'gen_ai.usage.input_tokens': event.usage.inputTokens,
          'gen_ai.usage.output_tokens': event.usage.outputTokens,
        });
        return;
      case 'subtask-fail':
        this.endSubtask(
          event.subtask,
          event.at,
          { 'warroom.subtask.status': 'failed', 'error.type': event.code },
          event.message,
        );
        return;
      case 'subtask-skip':
      case 'tool-call-start':
        // The tool-call event that follows carries the whole call.
        return;
      default:
        // An event type this version does not know (a log written by a newer one): no span.
        return;
    }
  }

  private startRun(at: string, name: string, attributes: Attributes): void {
    this.endOpenSpans(new Date(at));
    const span = this.tracer.startSpan(name, { startTime: time(at), attributes }, context.active());
    this.run = { span, context: trace.setSpan(context.active(), span), attributes };
  }

  private endRun(event: Extract<RunEvent, { type: 'run-end' }>): void {
    const run = this.run;
    if (!run) return;
    this.endSubtasks(new Date(event.at), 'the run ended before this subtask did');
    run.span.setAttribute('warroom.run.status', event.status);
    if (event.reason) run.span.setAttribute('warroom.reason', event.reason);
    if (event.status === 'failed')
      run.span.setStatus({ code: SpanStatusCode.ERROR, message: event.reason ?? 'run failed' });
    run.span.end(time(event.at));
    this.run = undefined;
  }

  private startSubtask(event: Extract<RunEvent, { type: 'subtask-start' }>): void {
    const parent = this.run?.context ?? context.active();
    const span = this.tracer.startSpan(
      `invoke_agent ${event.persona}`,
      {
        startTime: time(event.at),
        attributes: {
          ...this.run?.attributes,
          ...modelAttributes(event.model),
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.agent.name': event.persona,
          'warroom.subtask': event.subtask,
        },
      },
      parent,
    );
    this.subtasks.set(event.subtask, {
      span,
      context: trace.setSpan(parent, span),
      retries: 0,
    });
  }

  private endSubtask(subtask: number, at: string, attributes: Attributes, error?: string): void {
    const open = this.subtasks.get(subtask);
    if (!open) return;
    open.span.setAttributes({ ...attributes, 'warroom.retries': open.retries });
    if (error !== undefined) open.span.setStatus({ code: SpanStatusCode.ERROR, message: error });
    open.span.end(time(at));
    this.subtasks.delete(subtask);
  }

  private modelCall(event: Extract<RunEvent, { type: 'model-call' }>): void {
    const span = this.childSpan(event, `chat ${splitModel(event.model).model}`, SpanKind.CLIENT, {
      ...modelAttributes(event.model),
      'gen_ai.operation.name': 'chat',
      'gen_ai.response.finish_reasons': [event.finishReason],
      'gen_ai.usage.input_tokens': event.usage.inputTokens,
      'gen_ai.usage.output_tokens': event.usage.outputTokens,
      'gen_ai.usage.cache_read.input_tokens': event.usage.cacheReadTokens,
      'gen_ai.usage.cache_creation.input_tokens': event.usage.cacheWriteTokens,
      'gen_ai.response.id': event.responseId,
      'warroom.cost_usd': event.costUsd,
    });
    span.end(time(event.at));
  }

  private toolCall(event: Extract<RunEvent, { type: 'tool-call' }>): void {
    const span = this.childSpan(event, `execute_tool ${event.tool}`, SpanKind.INTERNAL, {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': event.tool,
      'gen_ai.tool.call.id': event.toolCallId,
      'warroom.tool.status': event.status,
      'warroom.tool.effect': event.effect,
    });
    if (event.status !== 'ok') {
      span.setAttribute('error.type', event.status);
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: event.reason ?? `tool call ${event.status}`,
      });
    }
    span.end(time(event.at));
  }

  /** A call span under its subtask, started `durationMs` before the event; the caller ends it. */
  private childSpan(
    event: Extract<RunEvent, { type: 'model-call' | 'tool-call' }>,
    name: string,
    kind: SpanKind,
    attributes: Record<string, Attributes[string]>,
  ): Span {
    const parent =
      this.subtasks.get(event.subtask)?.context ?? this.run?.context ?? context.active();
    return this.tracer.startSpan(
      name,
      {
        kind,
        startTime: Date.parse(event.at) - event.durationMs,
        attributes: defined({
          ...this.run?.attributes,
          ...attributes,
          'warroom.subtask': event.subtask,
          'warroom.turn': event.turn,
        }),
      },
      parent,
    );
  }

  /** Spans a run never closed (the process is ending mid-run) end now, as errors. */
  endOpenSpans(at: Date): void {
    this.endSubtasks(at, 'the run ended before this subtask did');
    if (!this.run) return;
    this.run.span.setStatus({ code: SpanStatusCode.ERROR, message: 'the run did not finish' });
    this.run.span.end(at);
    this.run = undefined;
  }

  private endSubtasks(at: Date, message: string): void {
    for (const [number, open] of this.subtasks) {
      open.span.setAttribute('warroom.retries', open.retries);
      open.span.setStatus({ code: SpanStatusCode.ERROR, message });
      open.span.end(at);
      this.subtasks.delete(number);
    }
  }
}

function time(at: string): TimeInput {
  return Date.parse(at);
}

/** "anthropic/claude-sonnet-4-5" → provider and model; a bare id has no provider. */
function splitModel(name: string): { provider: string | undefined; model: string } {
  const slash = name.indexOf('/');
  return slash < 0
    ? { provider: undefined, model: name }
    : { provider: name.slice(0, slash), model: name.slice(slash + 1) };
}

function modelAttributes(name: string): Attributes {
  const { provider, model } = splitModel(name);
  return defined({ 'gen_ai.provider.name': provider, 'gen_ai.request.model': model });
}

function defined(attributes: Record<string, Attributes[string]>): Attributes {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined));
}
