/**
 * A scripted model provider for tests: answers calls with canned results in order,
 * records every call it receives, and streams like a network adapter would (one
 * delta per word). A real-but-local stand-in for a vendor adapter.
 */
import type {
  CallOptions,
  ContentPart,
  GenerateResult,
  LanguageModel,
  ModelProvider,
  ModelTarget,
  StreamPart,
} from '../../src/provider/index.js';

export interface ScriptedProvider extends ModelProvider {
  /** Every call received, in order, with the target it was made against. */
  readonly calls: Array<{ target: ModelTarget; options: CallOptions }>;
}

export function textResult(text: string, extra: Partial<GenerateResult> = {}): GenerateResult {
  return result([{ type: 'text', text }], extra);
}

export function result(
  content: ContentPart[],
  extra: Partial<GenerateResult> = {},
): GenerateResult {
  const toolCalls = content.some((part) => part.type === 'tool-call');
  return {
    content,
    finishReason: toolCalls
      ? { unified: 'tool-calls', raw: 'tool_use' }
      : { unified: 'stop', raw: 'end_turn' },
    usage: { inputTokens: 100, outputTokens: 20 },
    warnings: [],
    response: { id: 'msg_scripted', modelId: 'scripted-model-2025' },
    ...extra,
  };
}

export function createScriptedProvider(id: string, replies: GenerateResult[]): ScriptedProvider {
  const calls: ScriptedProvider['calls'] = [];
  let next = 0;
  const reply = (target: ModelTarget, options: CallOptions): GenerateResult => {
    calls.push({ target, options });
    const answer = replies[next++];
    if (answer === undefined)
      throw new Error(`scripted provider ran out of replies at call ${next}`);
    return structuredClone(answer);
  };
  return {
    specificationVersion: 'v1',
    id,
    calls,
    languageModel(target: ModelTarget): LanguageModel {
      return {
        specificationVersion: 'v1',
        provider: id,
        modelId: target.modelId,
        doGenerate: async (options) => reply(target, options),
        async *doStream(options): AsyncGenerator<StreamPart> {
          const answer = reply(target, options);
          for (const part of answer.content) {
            if (part.type === 'tool-call') yield { type: 'tool-call', toolCall: part };
            else for (const delta of part.text.split(/(?<= )/)) yield { type: 'text-delta', delta };
          }
          // Empty content here proves the recorder rebuilds content from the stream itself.
          yield { type: 'finish', result: { ...answer, content: [] } };
        },
      };
    },
  };
}
