/**
 * Telemetry: owns the translation of run events into OpenTelemetry spans (and
 * their OTLP export). It reads only the public `RunEvent` stream and knows
 * nothing of the engine's internals; the OpenTelemetry SDK and exporter load on
 * demand, so importing the library stays light.
 */
export { type OtlpRunTracerOptions, otlpTracesUrl, startOtlpRunTracer } from './otlp-run-tracer.js';
export { createRunTracer, type RunTracer, type RunTracerOptions } from './run-tracer.js';
