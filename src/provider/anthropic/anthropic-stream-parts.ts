/**
 * Reads the Messages API's server-sent events into the spec's stream parts: text as it
 * arrives, a tool call once its input fragments are complete (`content_block_stop`),
 * then `finish` holding the same result `doGenerate` would give for that reply.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { abortError, throwIfAborted } from '../abort.js';
import { ProviderCallError } from '../errors.js';
import type { CallWarning, StreamPart } from '../spec.js';
import {
  type AnthropicReply,
  canonicalToolInput,
  type ReplyBlock,
  toGenerateResult,
} from './to-generate-result.js';

export interface StreamContext {
  modelId: string;
  signal: AbortSignal | undefined;
  structuredOutputTool: string | undefined;
  warnings: CallWarning[];
}

type OpenBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; json: string; initialInput: unknown };

export async function* anthropicStreamParts(
  events: AsyncIterable<Anthropic.RawMessageStreamEvent>,
  context: StreamContext,
): AsyncGenerator<StreamPart> {
  const reply: AnthropicReply = {
    id: '',
    model: context.modelId,
    blocks: [],
    stopReason: null,
    usage: {
      input_tokens: null,
      output_tokens: null,
      cache_read_input_tokens: null,
      cache_creation_input_tokens: null,
    },
  };
  const open = new Map<number, OpenBlock>();
  const closed = new Map<number, ReplyBlock>();
  for await (const event of events) {
    // Buffered events keep flowing after an abort; the caller asked to stop now.
    throwIfAborted(context.signal);
    switch (event.type) {
      case 'message_start':
        reply.id = event.message.id;
        reply.model = event.message.model;
        mergeUsage(reply, event.message.usage);
        break;
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'text') {
          open.set(event.index, { type: 'text', text: block.text });
          if (block.text !== '') yield { type: 'text-delta', delta: block.text };
        } else if (block.type === 'tool_use') {
          const { id, name, input } = block;
          open.set(event.index, { type: 'tool_use', id, name, json: '', initialInput: input });
        }
        break;
      }
      case 'content_block_delta': {
        const block = open.get(event.index);
        if (block?.type === 'text' && event.delta.type === 'text_delta') {
          block.text += event.delta.text;
          if (event.delta.text !== '') yield { type: 'text-delta', delta: event.delta.text };
        } else if (block?.type === 'tool_use' && event.delta.type === 'input_json_delta') {
          block.json += event.delta.partial_json;
        }
        break;
      }
      case 'content_block_stop': {
        const block = open.get(event.index);
        if (block === undefined) break;
        open.delete(event.index);
        const finished = closeBlock(block);
        closed.set(event.index, finished);
        if (finished.type !== 'tool_use') break;
        if (finished.name === context.structuredOutputTool) {
          // The forced output tool's input is the reply text (see toGenerateResult).
          yield { type: 'text-delta', delta: finished.input };
        } else {
          const { id, name, input } = finished;
          yield { type: 'tool-call', toolCall: toolCall(id, name, input) };
        }
        break;
      }
      case 'message_delta':
        reply.stopReason = event.delta.stop_reason ?? reply.stopReason;
        mergeUsage(reply, event.usage);
        break;
      case 'message_stop':
        reply.blocks = [...closed.entries()]
          .sort(([left], [right]) => left - right)
          .map(([, block]) => block);
        yield {
          type: 'finish',
          result: toGenerateResult(reply, context.structuredOutputTool, context.warnings),
        };
        return;
    }
  }
  // The SDK ends iteration quietly when its request is aborted; anything else that
  // ends before message_stop is a cut-off stream, worth another attempt.
  if (context.signal?.aborted) throw abortError(context.signal);
  throw new ProviderCallError({
    provider: 'anthropic',
    modelId: context.modelId,
    message: `anthropic ${context.modelId}: the stream ended before message_stop; retry`,
    isRetryable: true,
  });
}

function closeBlock(block: OpenBlock): ReplyBlock {
  if (block.type === 'text') return block;
  // No input fragments means the start event carried the whole input.
  const raw = block.json === '' ? JSON.stringify(block.initialInput ?? {}) : block.json;
  return { type: 'tool_use', id: block.id, name: block.name, input: canonicalToolInput(raw) };
}

function toolCall(toolCallId: string, toolName: string, input: string) {
  return { type: 'tool-call' as const, toolCallId, toolName, input };
}

/** Later events repeat or refine counts; a null means "unchanged", not zero. */
function mergeUsage(
  reply: AnthropicReply,
  usage: Partial<Record<keyof AnthropicReply['usage'], number | null>>,
): void {
  for (const key of Object.keys(reply.usage) as Array<keyof AnthropicReply['usage']>) {
    const value = usage[key];
    if (typeof value === 'number') reply.usage[key] = value;
  }
}
