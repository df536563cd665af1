/**
 * Provider-neutral call options → a Chat Completions request body. Translation
 * only: settings the API cannot take become warnings, never throws.
 */
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import type {
  CallOptions,
  CallWarning,
  Message,
  ResponseFormat,
  TextPart,
  ToolCallPart,
  ToolChoice,
  ToolResultPart,
} from '../spec.js';
import { strictSchema } from './strict-schema.js';

export type StructuredOutputs = 'auto' | 'off';

export interface ChatRequestSettings {
  /** The provider id: `providerOptions[providerId]` is merged into the body. */
  providerId: string;
  structuredOutputs: StructuredOutputs;
}

export interface ChatRequest {
  body: ChatCompletionCreateParamsNonStreaming;
  warnings: CallWarning[];
}

type WireResponseFormat = ChatCompletionCreateParamsNonStreaming['response_format'];

export function chatRequest(
  modelId: string,
  options: CallOptions,
  settings: ChatRequestSettings,
): ChatRequest {
  const warnings: CallWarning[] = [];
  if (options.topK !== undefined) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'topK',
      message: 'OpenAI Chat Completions has no top-k sampling; topK was not sent.',
    });
  }
  const tools = options.tools?.length ? options.tools.map(chatTool) : undefined;
  const translated: ChatCompletionCreateParamsNonStreaming = {
    model: modelId,
    messages: chatMessages(options),
    ...(tools && { tools }),
    // The API rejects tool_choice without tools, so it only travels with them.
    ...(tools && options.toolChoice && { tool_choice: chatToolChoice(options.toolChoice) }),
    ...optional('response_format', responseFormat(options.responseFormat, settings, warnings)),
    ...optional('max_completion_tokens', options.maxOutputTokens),
    ...optional('temperature', options.temperature),
    ...optional('top_p', options.topP),
    ...optional('stop', options.stopSequences?.length ? options.stopSequences : undefined),
    ...optional('seed', options.seed),
  };
  // Vendor-only settings (reasoning_effort, service_tier, max_tokens for older
  // compatible servers…) go in as given; the translated fields win on a clash.
  const vendor = options.providerOptions?.[settings.providerId] ?? {};
  return { body: { ...vendor, ...translated }, warnings };
}

function optional<Key extends string, Value>(
  key: Key,
  value: Value | undefined,
): Partial<Record<Key, Value>> {
  return value === undefined ? {} : ({ [key]: value } as Record<Key, Value>);
}

function chatMessages(options: CallOptions): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  if (options.system) messages.push({ role: 'system', content: options.system });
  for (const message of options.messages) messages.push(...chatMessage(message));
  return messages;
}

function chatMessage(message: Message): ChatCompletionMessageParam[] {
  switch (message.role) {
    case 'system':
      return [{ role: 'system', content: message.content }];
    case 'user':
      return [{ role: 'user', content: userContent(message.content) }];
    case 'assistant':
      return [assistantMessage(message.content)];
    case 'tool':
      return message.content.map((part) => ({
        role: 'tool',
        tool_call_id: part.toolCallId,
        content: toolOutput(part),
      }));
  }
}

function userContent(parts: TextPart[]): string | Array<{ type: 'text'; text: string }> {
  // One part as a plain string: what every compatible server understands.
  if (parts.length === 1 && parts[0] !== undefined) return parts[0].text;
  return parts.map((part) => ({ type: 'text', text: part.text }));
}

function assistantMessage(
  parts: Array<TextPart | ToolCallPart>,
): ChatCompletionAssistantMessageParam {
  const text = parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
  const toolCalls = parts.flatMap((part) =>
    part.type === 'tool-call'
      ? [
          {
            id: part.toolCallId,
            type: 'function' as const,
            function: { name: part.toolName, arguments: part.input },
          },
        ]
      : [],
  );
  if (toolCalls.length === 0) return { role: 'assistant', content: text };
  return { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls };
}

function toolOutput(part: ToolResultPart): string {
  const text = typeof part.output === 'string' ? part.output : JSON.stringify(part.output);
  // The wire has no error flag for tool messages: the model learns it from the text.
  return part.isError ? `Error: ${text}` : text;
}

function chatTool(tool: NonNullable<CallOptions['tools']>[number]): ChatCompletionTool {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  };
}

function chatToolChoice(choice: ToolChoice): ChatCompletionToolChoiceOption {
  if (choice.type === 'tool') return { type: 'function', function: { name: choice.toolName } };
  return choice.type;
}

function responseFormat(
  format: ResponseFormat | undefined,
  settings: ChatRequestSettings,
  warnings: CallWarning[],
): WireResponseFormat {
  if (format === undefined || format.type === 'text') return undefined;
  if (format.schema === undefined) return { type: 'json_object' };
  const check =
    settings.structuredOutputs === 'off'
      ? { ok: false as const, reason: 'structured outputs are turned off for this provider' }
      : strictSchema(format.schema);
  if (!check.ok) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'responseFormat.schema',
      message: `Sent JSON mode without the schema (${check.reason}); the model is not held to the schema, so the output is only checked after the call.`,
    });
    return { type: 'json_object' };
  }
  return {
    type: 'json_schema',
    json_schema: {
      name: schemaName(format.name),
      ...optional('description', format.description || undefined),
      schema: check.schema,
      strict: true,
    },
  };
}

/** The API wants `^[a-zA-Z0-9_-]{1,64}$`. */
function schemaName(name: string | undefined): string {
  const sanitised = (name ?? '').replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return sanitised === '' ? 'response' : sanitised;
}
