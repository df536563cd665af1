/** OpenTelemetry traces of CLI runs: exported over OTLP only when the standard variables ask. */
import type { RunTracer } from '../../index.js';
import type { CliIo } from '../cli-io.js';

export async function startTracer(io: CliIo): Promise<RunTracer | undefined> {
  const { otlpTracesUrl, startOtlpRunTracer } = await import('../../index.js');
  const url = otlpTracesUrl(io.env);
  if (!url) return undefined;
  return startOtlpRunTracer({
    url,
    ...(io.env.OTEL_SERVICE_NAME ? { serviceName: io.env.OTEL_SERVICE_NAME } : {}),
  });
}

/** A collector that is down costs a warning, never the run. */
export async function flushTraces(io: CliIo, tracer: RunTracer | undefined): Promise<void> {
  try {
    await tracer?.shutdown();
  } catch (error) {
    io.stderr(
      `warning: traces not exported: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
}
