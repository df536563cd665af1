/**
 * A provider whose models answer from something other than a live model (recorded
 * fixtures, hand-written replies): one `answer` function serves both generate and
 * stream, and the model keeps the target's id so keys and logs name the model the
 * subtask asked for.
 */
import type { CallOptions, GenerateResult, ModelProvider, ModelTarget } from './spec.js';
import { streamResult } from './stream-result.js';

export type PlaybackAnswer = (target: ModelTarget, call: CallOptions) => Promise<GenerateResult>;

export function createPlaybackProvider(id: string, answer: PlaybackAnswer): ModelProvider {
  return {
    specificationVersion: 'v1',
    id,
    languageModel(target) {
      return {
        specificationVersion: 'v1',
        provider: id,
        modelId: target.modelId,
        doGenerate: (call) => answer(target, call),
        async *doStream(call) {
          yield* streamResult(await answer(target, call), call.abortSignal);
        },
      };
    },
  };
}
