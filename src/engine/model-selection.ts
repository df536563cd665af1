/**
 * Which model answers a subtask, and through which provider. Settings merge from
 * chain → persona → subtask front matter; the CLI's --model wins. `--provider`
 * names the executor: a playback provider (replay) keeps the target identity, so
 * it plays back what that model said; any other provider becomes the target.
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

export interface SelectedModel {
  model: LanguageModel;
  /** The provider that makes the call (replay, or the target's own). */
  executor: ModelProvider;
  target: ModelTarget;
  settings: ModelSettings;
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
  return { model: provider.languageModel(target), executor: provider, target, settings };
}

/** `openai/gpt-4.1` → both; `gpt-4.1` → the model id only. */
export function splitModel(model: string | undefined): { provider?: string; modelId?: string } {
  if (model === undefined) return {};
  const slash = model.indexOf('/');
  if (slash <= 0) return { modelId: model };
  return { provider: model.slice(0, slash), modelId: model.slice(slash + 1) };
}
