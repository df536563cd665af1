/**
 * A run tracer exporting over OTLP/HTTP (JSON) when the standard OpenTelemetry
 * environment asks for it. The SDK and the exporter load only here, on demand.
 */
import { createRunTracer, type RunTracer } from './run-tracer.js';

/** `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. */
export function otlpTracesUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return undefined;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!base) return undefined;
  return `${base.endsWith('/') ? base : `${base}/`}v1/traces`;
}

export interface OtlpRunTracerOptions {
  url: string;
  serviceName?: string;
}

export async function startOtlpRunTracer(options: OtlpRunTracerOptions): Promise<RunTracer> {
  const [sdk, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const provider = new sdk.BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'warroom' }),
    spanProcessors: [new sdk.BatchSpanProcessor(new OTLPTraceExporter({ url: options.url }))],
  });
  const tracer = createRunTracer({ tracerProvider: provider });
  return {
    onEvent: (event, run) => tracer.onEvent(event, run),
    async shutdown() {
      await tracer.shutdown();
      await provider.shutdown();
    },
  };
}
