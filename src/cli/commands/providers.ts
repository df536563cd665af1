/**
 * The providers a CLI run can use, built lazily (constructing one needs no key):
 * anthropic, openai (and OpenAI-compatible servers through --base-url), replay
 * over --fixtures, the recording wrapper for --record, and the client-side rate
 * limits of the config file's `providers:` section.
 */
import { resolve } from 'node:path';
import type { ModelProvider } from '../../index.js';
import type { CliIo } from '../cli-io.js';

export interface ProviderOptions {
  provider?: string;
  fixtures: string;
  baseUrl?: string;
  record?: string;
  config?: string;
}

export async function providersFor(
  io: CliIo,
  options: ProviderOptions,
): Promise<Map<string, ModelProvider>> {
  const {
    createAnthropicProvider,
    createOpenAIProvider,
    createRecordingProvider,
    createReplayProvider,
    loadProviderLimits,
    withCircuitBreaker,
    withProviderLimits,
  } = await import('../../index.js');
  const limits = await loadProviderLimits({
    ...(options.config ? { file: options.config } : {}),
    cwd: io.cwd,
    env: io.env,
  });
  // --base-url points the provider named by --provider (default openai) somewhere else.
  const baseUrlFor = (id: string) =>
    options.baseUrl && (options.provider ?? 'openai') === id ? { baseURL: options.baseUrl } : {};
  const live = new Map<string, ModelProvider>([
    ['anthropic', createAnthropicProvider({ env: io.env, ...baseUrlFor('anthropic') })],
    ['openai', createOpenAIProvider({ env: io.env, ...baseUrlFor('openai') })],
  ]);
  const providers = new Map<string, ModelProvider>();
  for (const [id, unlimited] of live) {
    // Client-side limits (config `providers:`) hold across every subtask and incident of the run.
    const providerLimits = limits.get(id);
    // A provider that keeps failing is not hammered: its circuit opens and calls fail fast.
    const breaker = providerLimits?.breaker;
    const guarded = withCircuitBreaker(
      unlimited,
      breaker
        ? { failures: breaker.failures, cooldownMs: breaker.cooldownSeconds * 1000 }
        : undefined,
    );
    const provider = providerLimits ? withProviderLimits(guarded, providerLimits) : guarded;
    providers.set(
      id,
      options.record
        ? createRecordingProvider(provider, {
            fixturesDir: resolve(io.cwd, options.record),
            provenance: 'recorded',
          })
        : provider,
    );
  }
  // Re-recording some subtasks replays the others from the same directory.
  const replayDir = resolve(io.cwd, options.record ?? options.fixtures);
  providers.set('replay', createReplayProvider({ fixturesDir: replayDir }));
  return providers;
}
