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

export const defaultTarget: ModelTarget = { provider: 'anthropic', modelId: 'claude-sonnet-4-5' };
/** The model a provider gets when --provider switches to it and no --model says which. */
export const defaultModels: ReadonlyMap<string, string> = new Map([
  ['anthropic', 'claude-sonnet-4-5'],
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
  const target: ModelTarget = {
    provider: settings.provider ?? defaultTarget.provider,
    modelId: overrides.modelId ?? settings.modelId ?? defaultTarget.modelId,
  };
  const executor = overrides.provider ?? target.provider;
  if (
    overrides.provider &&
    !playbackProviders.has(overrides.provider) &&
    overrides.provider !== target.provider
  ) {
    // Another provider does not serve this persona's model: its default, unless --model names one.
    target.provider = overrides.provider;
    target.modelId = overrides.modelId ?? defaultModels.get(overrides.provider) ?? target.modelId;
  }
  if (
    overrides.provider &&
    playbackProviders.has(overrides.provider) &&
    overrides.modelId &&
    defaultModels.has(target.provider)
  ) {
    // --model under playback names the model that was recorded; one the persona's
    // provider does not serve (gpt-4.1 for an anthropic persona recorded with
    // --provider openai) was recorded under the provider that does.
    target.provider = providerOfModel(overrides.modelId) ?? target.provider;
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
