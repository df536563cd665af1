/**
 * Turns a finished Messages API reply into the spec's result. A whole reply
 * (`doGenerate`) and one assembled from stream events (`doStream`) both pass through
 * here, so the two paths cannot disagree about content, finish reason or usage.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { CallWarning, ContentPart, FinishReason, GenerateResult } from '../spec.js';

/** The blocks the adapter understands; server-tool and thinking blocks carry no reply. */
export type ReplyBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: string };

export interface AnthropicReply {
  id: string;
  model: string;
  blocks: ReplyBlock[];
  stopReason: string | null;
  usage: ReplyUsage;
}

export interface ReplyUsage {
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_input_tokens: number | null;
  cache_creation_input_tokens: number | null;
}

export function replyOfMessage(message: Anthropic.Message): AnthropicReply {
  const blocks = message.content.flatMap((block): ReplyBlock[] => {
    if (block.type === 'text') return [{ type: 'text', text: block.text }];
    if (block.type !== 'tool_use') return [];
    return [
      {
        type: 'tool_use',
        id: block.id,
        name: block.name,
        input: JSON.stringify(block.input ?? {}),
      },
    ];
  });
  return {
    id: message.id,
    model: message.model,
    blocks,
    stopReason: message.stop_reason,
    usage: {
      input_tokens: message.usage.input_tokens,
      output_tokens: message.usage.output_tokens,
      cache_read_input_tokens: message.usage.cache_read_input_tokens ?? null,
      cache_creation_input_tokens: message.usage.cache_creation_input_tokens ?? null,
    },
  };
}

/**
 * Streamed tool input arrives as JSON fragments; re-serialising it makes a streamed
 * call byte-equal to the generated one. Input cut short (max_tokens) stays raw, for
 * the engine's parser to report.
 */
export function canonicalToolInput(raw: string): string {
  if (raw.trim() === '') return '{}';
  try {
    return JSON.stringify(JSON.parse(raw));
  } catch {
    return raw;
  }
}

export function toGenerateResult(
  reply: AnthropicReply,
  structuredOutputTool: string | undefined,
  warnings: CallWarning[],
): GenerateResult {
  let structured = false;
  const content = reply.blocks.map((block): ContentPart => {
    if (block.type === 'text') return { type: 'text', text: block.text };
    if (block.name === structuredOutputTool) {
      // The engine extracts and validates JSON from text, as for every provider.
      structured = true;
      return { type: 'text', text: block.input };
    }
    return { type: 'tool-call', toolCallId: block.id, toolName: block.name, input: block.input };
  });
  return {
    content,
    finishReason: finishReason(reply.stopReason, structured),
    usage: {
      inputTokens: reply.usage.input_tokens ?? undefined,
      outputTokens: reply.usage.output_tokens ?? undefined,
      ...(reply.usage.cache_read_input_tokens !== null
        ? { cacheReadTokens: reply.usage.cache_read_input_tokens }
        : {}),
      ...(reply.usage.cache_creation_input_tokens !== null
        ? { cacheWriteTokens: reply.usage.cache_creation_input_tokens }
        : {}),
    },
    warnings,
    response: { id: reply.id, modelId: reply.model },
  };
}

function finishReason(raw: string | null, structured: boolean): FinishReason {
  const known = raw ?? undefined;
  switch (raw) {
    case 'end_turn':
    case 'stop_sequence':
      return { unified: 'stop', raw: known };
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return { unified: 'length', raw: known };
    case 'tool_use':
      // The forced output tool is how the reply ends, not a call for the engine to run.
      return { unified: structured ? 'stop' : 'tool-calls', raw: known };
    case 'refusal':
      return { unified: 'content-filter', raw: known };
    default:
      return { unified: 'other', raw: known };
  }
}
