/**
 * The providers a CLI run can use, built lazily (constructing one needs no key):
 * anthropic, openai (and OpenAI-compatible servers through --base-url), the
 * providers the config file declares (`providers.<id>: {kind, baseUrl, apiKeyEnv}`),
 * replay over --fixtures, the recording wrapper for --record, and per provider the
 * config file's client-side limits, circuit breaker and fallback models.
 */
import { resolve } from 'node:path';
import type { ModelProvider, ProviderLimitsConfig } from '../../index.js';
import type { CliIo } from '../cli-io.js';

export interface ProviderOptions {
  provider?: string;
  fixtures: string;
  baseUrl?: string;
  record?: string;
  config?: string;
}

type Library = typeof import('../../index.js');

export async function providersFor(
  io: CliIo,
  options: ProviderOptions,
): Promise<Map<string, ModelProvider>> {
  const library = await import('../../index.js');
  const {
    createAnthropicProvider,
    createOpenAIProvider,
    createRecordingProvider,
    createReplayProvider,
    defaultConfigFile,
    loadProviderLimits,
    withCircuitBreaker,
    withProviderFallback,
    withProviderLimits,
  } = library;
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
  const configFile = options.config ?? defaultConfigFile;
  for (const [id, config] of limits) {
    if (config.kind === undefined) continue;
    // A declared provider replaces a built-in one of the same id.
    live.set(id, declaredProvider(library, id, config, { io, configFile, ...baseUrlFor(id) }));
  }
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
    const recorded = options.record
      ? createRecordingProvider(provider, {
          fixturesDir: resolve(io.cwd, options.record),
          provenance: 'recorded',
        })
      : provider;
    // Where a subtask targeting this provider goes when it is down (unless its model settings say).
    const fallback = providerLimits?.fallback;
    providers.set(id, fallback ? withProviderFallback(recorded, fallback) : recorded);
  }
  // Re-recording some subtasks replays the others from the same directory.
  const replayDir = resolve(io.cwd, options.record ?? options.fixtures);
  providers.set('replay', createReplayProvider({ fixturesDir: replayDir }));
  return providers;
}

/**
 * A provider the config file declares. It reads its key only from the variable
 * `apiKeyEnv` names and its endpoint only from `baseUrl` (never ANTHROPIC_* or
 * OPENAI_*), and it answers under its own id, so logs, fixture keys and the
 * missing-key message name it.
 */
function declaredProvider(
  library: Library,
  id: string,
  config: ProviderLimitsConfig,
  context: { io: CliIo; configFile: string; baseURL?: string },
): ModelProvider {
  const apiKey = config.apiKeyEnv ? context.io.env[config.apiKeyEnv] || undefined : undefined;
  const baseURL = context.baseURL ?? config.baseUrl;
  const endpoint = {
    env: {},
    ...(apiKey ? { apiKey } : {}),
    ...(baseURL ? { baseURL } : {}),
  };
  const inner =
    config.kind === 'anthropic'
      ? library.createAnthropicProvider(endpoint)
      : library.createOpenAIProvider({ ...endpoint, id });
  const missingKey =
    config.apiKeyEnv !== undefined && apiKey === undefined
      ? `${config.apiKeyEnv} is not set (providers.${id}.apiKeyEnv in ${context.configFile}): export it`
      : undefined;
  return {
    specificationVersion: 'v1',
    id,
    languageModel(target) {
      const model = inner.languageModel(target);
      return {
        specificationVersion: 'v1',
        provider: id,
        modelId: model.modelId,
        doGenerate: (call) => model.doGenerate(call),
        doStream: (call) => model.doStream(call),
      };
    },
    checkConfiguration: () =>
      missingKey
        ? { ok: false, message: missingKey }
        : (inner.checkConfiguration?.() ?? { ok: true }),
  };
}
