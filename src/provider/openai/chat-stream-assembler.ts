/**
 * Assembles a Chat Completions stream into the same result `doGenerate` returns.
 * Tool-call arguments arrive as fragments keyed by index and are only usable once
 * the stream is over, so they are handed out whole at the end.
 */
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CallWarning, GenerateResult, ToolCallPart } from '../spec.js';
import { contentParts, finishReason, usageOf } from './chat-result.js';

interface ToolCallDraft {
  id: string | undefined;
  name: string;
  input: string;
}

export class ChatStreamAssembler {
  private text = '';
  private readonly drafts = new Map<number, ToolCallDraft>();
  private rawFinishReason: string | undefined;
  private usage: ChatCompletion['usage'];
  private id: string | undefined;
  private modelId: string | undefined;

  /** Takes one chunk; returns the text it adds, if any. */
  add(chunk: ChatCompletionChunk): string | undefined {
    this.id ??= chunk.id;
    this.modelId ??= chunk.model;
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (choice === undefined) return undefined;
    if (choice.finish_reason) this.rawFinishReason = choice.finish_reason;
    for (const fragment of choice.delta.tool_calls ?? []) {
      const draft = this.drafts.get(fragment.index) ?? { id: undefined, name: '', input: '' };
      draft.id ??= fragment.id;
      // Names come whole in the first fragment; some servers repeat them later.
      if (draft.name === '') draft.name = fragment.function?.name ?? '';
      draft.input += fragment.function?.arguments ?? '';
      this.drafts.set(fragment.index, draft);
    }
    const delta = (choice.delta.content ?? '') + (choice.delta.refusal ?? '');
    if (delta === '') return undefined;
    this.text += delta;
    return delta;
  }

  /** A stream that ends without a finish reason was cut off, whatever the transport said. */
  get finished(): boolean {
    return this.rawFinishReason !== undefined;
  }

  toolCalls(): ToolCallPart[] {
    return [...this.drafts.entries()]
      .sort(([left], [right]) => left - right)
      .map(([index, draft]) => ({
        type: 'tool-call',
        // Some compatible servers omit the id; the engine still needs one to pair results.
        toolCallId: draft.id ?? `call_${index}`,
        toolName: draft.name,
        input: draft.input,
      }));
  }

  result(warnings: CallWarning[]): GenerateResult {
    return {
      content: contentParts(this.text, this.toolCalls()),
      finishReason: finishReason(this.rawFinishReason),
      usage: usageOf(this.usage),
      warnings,
      response: {
        ...(this.id === undefined ? {} : { id: this.id }),
        ...(this.modelId === undefined ? {} : { modelId: this.modelId }),
      },
    };
  }
}
