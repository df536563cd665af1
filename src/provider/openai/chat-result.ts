/**
 * Chat Completions responses → the provider-neutral result: content parts in
 * order, the finish reason in both vocabularies, and token usage.
 */
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type {
  CallWarning,
  ContentPart,
  FinishReason,
  GenerateResult,
  ToolCallPart,
  Usage,
} from '../spec.js';

export function chatResult(completion: ChatCompletion, warnings: CallWarning[]): GenerateResult {
  const choice = completion.choices[0];
  const message = choice?.message;
  const toolCalls = (message?.tool_calls ?? []).flatMap((call): ToolCallPart[] =>
    call.type === 'function'
      ? [
          {
            type: 'tool-call',
            toolCallId: call.id,
            toolName: call.function.name,
            input: call.function.arguments,
          },
        ]
      : [],
  );
  // A refusal replaces the content; passing it on as text lets output validation
  // (and the repair turn) say why the model produced nothing usable.
  const text = (message?.content ?? '') + (message?.refusal ?? '');
  return {
    content: contentParts(text, toolCalls),
    finishReason: finishReason(choice?.finish_reason),
    usage: usageOf(completion.usage),
    warnings,
    response: { id: completion.id, modelId: completion.model },
  };
}

export function contentParts(text: string, toolCalls: ToolCallPart[]): ContentPart[] {
  return text === '' ? toolCalls : [{ type: 'text', text }, ...toolCalls];
}

export function finishReason(raw: string | null | undefined): FinishReason {
  const known: Record<string, FinishReason['unified']> = {
    stop: 'stop',
    length: 'length',
    tool_calls: 'tool-calls',
    function_call: 'tool-calls',
    content_filter: 'content-filter',
  };
  const unified = raw && Object.hasOwn(known, raw) ? known[raw] : undefined;
  return { unified: unified ?? 'other', raw: raw ?? undefined };
}

/** Compatible servers may send no usage at all: then the counts are unknown, not zero. */
export function usageOf(usage: ChatCompletion['usage'] | null): Usage {
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  return {
    inputTokens: usage?.prompt_tokens,
    outputTokens: usage?.completion_tokens,
    ...(cached === undefined ? {} : { cacheReadTokens: cached }),
  };
}
