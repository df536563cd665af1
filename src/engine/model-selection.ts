/**
 * Which model answers a subtask, and through which provider. Settings merge from
 * chain → persona → subtask front matter; the CLI's --model wins. `--provider`
 * names the executor: a playback provider (replay) keeps the target identity, so
 * it plays back what that model said; any other provider becomes the target.
 * Fallback models (settings `fallback`, else the target provider's own list from
 * the config file) resolve the same way, and are checked here, before any call.
 */
import type { ModelSettings } from '../chain/index.js';
import { WarroomError } from '../errors.js';
import type { PreparedChain, PreparedSubtask } from '../preflight/index.js';
import type { LanguageModel, ModelProvider, ModelTarget } from '../provider/spec.js';
import { providerOfModel } from './model-prices.js';

export const defaultTarget: ModelTarget = { provider: 'anthropic', modelId: 'claude-sonnet-5-5' };
/** The model a provider gets when --provider switches to it and no --model says which. */
export const defaultModels: ReadonlyMap<string, string> = new Map([
  ['anthropic', 'claude-sonnet-5-5'],
  ['openai', 'gpt-4.1'],
]);
const playbackProviders = new Set(['replay', 'hand-written']);

export interface ModelOverrides {
  provider?: string;
  modelId?: string;
}

export interface FallbackModel {
  model: LanguageModel;
  /** The provider that makes the call (replay, or the target's own). */
  executor: ModelProvider;
  target: ModelTarget;
}

export interface SelectedModel extends FallbackModel {
  settings: ModelSettings;
  /** Tried in order when the model fails with a provider outage; see fallback-model.ts. */
  fallbacks: FallbackModel[];
}

/** A provider carrying the config file's `providers.<id>.fallback` list. */
export interface ProviderWithFallback extends ModelProvider {
  readonly fallback?: readonly string[];
}

/** `provider` with the models its subtasks fall back on when neither front matter nor persona names any. */
export function withProviderFallback(
  provider: ModelProvider,
  fallback: readonly string[],
): ProviderWithFallback {
  return {
    specificationVersion: 'v1',
    id: provider.id,
    languageModel: (target) => provider.languageModel(target),
    ...(provider.checkConfiguration
      ? { checkConfiguration: () => provider.checkConfiguration?.() ?? { ok: true } }
      : {}),
    fallback: [...fallback],
  };
}

export function selectModel(
  prepared: PreparedChain,
  item: PreparedSubtask,
  providers: ReadonlyMap<string, ModelProvider>,
  overrides: ModelOverrides,
): SelectedModel {
  const settings: ModelSettings = {
    ...prepared.chain.model,
    ...item.persona.model,
    ...item.subtask.model,
  };
  const named = splitModel(overrides.modelId);
  const target: ModelTarget = {
    provider: named.provider ?? settings.provider ?? defaultTarget.provider,
    modelId: named.modelId ?? settings.modelId ?? defaultTarget.modelId,
  };
  const playback = overrides.provider !== undefined && playbackProviders.has(overrides.provider);
  // `--model openai/gpt-4.1` names its provider: the one that makes the call, unless played back.
  const executor = overrides.provider ?? named.provider ?? target.provider;
  if (overrides.provider && !playback && overrides.provider !== target.provider) {
    // Another provider does not serve this persona's model: its default, unless --model names one.
    target.provider = overrides.provider;
    target.modelId = named.modelId ?? defaultModels.get(overrides.provider) ?? target.modelId;
  }
  if (playback && named.modelId && !named.provider && defaultModels.has(target.provider)) {
    // A bare --model under playback names the recorded model; one the persona's provider
    // does not serve (gpt-4.1 for an anthropic persona) was recorded under the one that does.
    target.provider = providerOfModel(named.modelId) ?? target.provider;
  }
  const provider = providers.get(executor);
  if (!provider) {
    throw new WarroomError({
      code: 'USAGE',
      subtask: item.subtask.number,
      message: `subtask ${item.subtask.number} needs provider "${executor}", which is not available (available: ${[...providers.keys()].join(', ')}); pass --provider`,
      userError: true,
    });
  }
  const fallbacks = selectFallbacks(
    item.subtask.number,
    fallbackNames(prepared, item, settings, target, providers),
    target,
    providers,
    playback ? overrides.provider : undefined,
  );
  return { model: provider.languageModel(target), executor: provider, target, settings, fallbacks };
}

/**
 * The subtask's fallback models, each with its executor. A fallback whose provider is
 * unknown, or not configured (no key), fails now: a fallback that cannot run at 3 a.m.
 * is worse than an error before the run starts. Under playback, fallbacks keep their
 * identity and are played back like the primary.
 */
function selectFallbacks(
  subtask: number,
  fallback: { names: readonly string[]; source: string },
  primary: ModelTarget,
  providers: ReadonlyMap<string, ModelProvider>,
  playback: string | undefined,
): FallbackModel[] {
  const seen = new Set([`${primary.provider}/${primary.modelId}`]);
  const fallbacks: FallbackModel[] = [];
  for (const name of fallback.names) {
    const named = `fallback "${name}" (${fallback.source})`;
    const { provider: providerId, modelId } = splitModel(name);
    if (providerId === undefined || modelId === undefined) {
      throw fallbackError(subtask, `${named} does not name provider/model, e.g. "openai/gpt-4.1"`);
    }
    if (seen.has(name)) continue;
    seen.add(name);
    const executorId = playback ?? providerId;
    const executor = providers.get(executorId);
    if (!executor) {
      throw fallbackError(
        subtask,
        `${named} needs provider "${providerId}", which is not available (available: ${[...providers.keys()].join(', ')}); declare it under \`providers:\` in the config file`,
      );
    }
    const check = executor.checkConfiguration?.() ?? { ok: true };
    if (!check.ok) {
      throw fallbackError(subtask, `${named} cannot run: ${executorId}: ${check.message}`);
    }
    const target: ModelTarget = { provider: providerId, modelId };
    fallbacks.push({ model: executor.languageModel(target), executor, target });
  }
  return fallbacks;
}

/** The fallback list that applies, and where it was written (for error messages). */
function fallbackNames(
  prepared: PreparedChain,
  item: PreparedSubtask,
  settings: ModelSettings,
  target: ModelTarget,
  providers: ReadonlyMap<string, ModelProvider>,
): { names: readonly string[]; source: string } {
  if (settings.fallback !== undefined) {
    const source =
      item.subtask.model?.fallback !== undefined
        ? `subtasks.${item.subtask.number}.model.fallback in ${prepared.chain.file}`
        : item.persona.model.fallback !== undefined
          ? `model.fallback in ${item.persona.file}`
          : `model.fallback in ${prepared.chain.file}`;
    return { names: settings.fallback, source };
  }
  const configured = (providers.get(target.provider) as ProviderWithFallback | undefined)?.fallback;
  return {
    names: Array.isArray(configured) ? configured : [],
    source: `providers.${target.provider}.fallback in the config file`,
  };
}

function fallbackError(subtask: number, problem: string): WarroomError {
  return new WarroomError({
    code: 'USAGE',
    subtask,
    message: `subtask ${subtask}: ${problem}`,
    userError: true,
  });
}

/** `openai/gpt-4.1` → both; `gpt-4.1` → the model id only. */
export function splitModel(model: string | undefined): { provider?: string; modelId?: string } {
  if (model === undefined) return {};
  const slash = model.indexOf('/');
  if (slash <= 0) return { modelId: model };
  return { provider: model.slice(0, slash), modelId: model.slice(slash + 1) };
}
