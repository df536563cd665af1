/**
 * Translates a provider-neutral call into a Messages API request body. The stable
 * prefix (system prompt, tool definitions) is marked for prompt caching; roles are
 * merged into the strict user/assistant alternation the API demands; JSON output
 * with a schema is forced through a tool, since the tool input is the one place the
 * API guarantees schema-shaped JSON. Settings the API cannot take become warnings.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { ProviderCallError } from '../errors.js';
import type {
  CallOptions,
  CallWarning,
  JsonSchema,
  JsonValue,
  Message,
  ToolCallPart,
} from '../spec.js';

/** The tool that carries structured output; its `tool_use` input is the reply. */
export const structuredOutputToolName = 'structured_output';

export const defaultMaxOutputTokens = 4096;

export type AnthropicRequestBody = Omit<Anthropic.MessageCreateParamsNonStreaming, 'stream'>;

export interface AnthropicRequest {
  body: AnthropicRequestBody;
  warnings: CallWarning[];
  /** Set when JSON output travels through the forced structured-output tool. */
  structuredOutputTool: string | undefined;
}

export interface AnthropicRequestSettings {
  modelId: string;
  defaultMaxOutputTokens?: number;
}

type BlockParam = Anthropic.ContentBlockParam;
type TurnRole = 'user' | 'assistant';

const ephemeral: Anthropic.CacheControlEphemeral = { type: 'ephemeral' };

export function toAnthropicRequest(
  call: CallOptions,
  settings: AnthropicRequestSettings,
): AnthropicRequest {
  const warnings: CallWarning[] = [];
  const system = systemBlocks(call, warnings);
  const tools: Anthropic.Tool[] = (call.tools ?? []).map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: toolInputSchema(tool.inputSchema),
  }));
  let toolChoice = tools.length > 0 ? toolChoiceParam(call.toolChoice) : undefined;
  if (tools.length === 0 && call.toolChoice !== undefined) {
    warnings.push(unsupported('toolChoice', 'toolChoice was ignored: the call offers no tools'));
  }
  const structuredOutputTool = structuredOutput(call, tools, warnings);
  if (structuredOutputTool !== undefined) {
    tools.push(structuredOutputTool);
    toolChoice = { type: 'tool', name: structuredOutputTool.name };
  }
  const lastTool = tools.at(-1);
  if (lastTool !== undefined) tools[tools.length - 1] = { ...lastTool, cache_control: ephemeral };

  const body: AnthropicRequestBody = {
    model: settings.modelId,
    max_tokens: call.maxOutputTokens ?? settings.defaultMaxOutputTokens ?? defaultMaxOutputTokens,
    messages: turns(call.messages, settings.modelId),
    ...(system.length > 0 ? { system } : {}),
    ...(tools.length > 0 ? { tools } : {}),
    ...(toolChoice !== undefined ? { tool_choice: toolChoice } : {}),
    ...(call.stopSequences !== undefined ? { stop_sequences: call.stopSequences } : {}),
  };
  warnings.push(...ignoredSettingWarnings(call));
  return { body, warnings, structuredOutputTool: structuredOutputTool?.name };
}

/** `system`, then leading system messages; later ones join them (the API has one system). */
function systemBlocks(call: CallOptions, warnings: CallWarning[]): Anthropic.TextBlockParam[] {
  const texts = call.system === undefined ? [] : [call.system];
  let conversationStarted = false;
  for (const message of call.messages) {
    if (message.role !== 'system') {
      conversationStarted = true;
      continue;
    }
    texts.push(message.content);
    if (conversationStarted) {
      warnings.push({
        type: 'other',
        message: 'a system message after the conversation started was moved to the system prompt',
      });
    }
  }
  const blocks: Anthropic.TextBlockParam[] = texts
    .filter((text) => text !== '')
    .map((text) => ({ type: 'text', text }));
  const last = blocks.at(-1);
  if (last !== undefined) blocks[blocks.length - 1] = { ...last, cache_control: ephemeral };
  return blocks;
}

/** Maps roles and merges neighbours, since the API rejects two turns of one role in a row. */
function turns(messages: Message[], modelId: string): Anthropic.MessageParam[] {
  const merged: Array<{ role: TurnRole; content: BlockParam[] }> = [];
  for (const message of messages) {
    if (message.role === 'system') continue;
    const role: TurnRole = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = contentBlocks(message, modelId);
    // A turn of nothing but empty text would be a 400; it says nothing either.
    if (blocks.length === 0) continue;
    const previous = merged.at(-1);
    if (previous?.role === role) previous.content.push(...blocks);
    else merged.push({ role, content: blocks });
  }
  return merged.map(({ role, content }) => ({
    role,
    content: role === 'user' ? toolResultsFirst(content) : content,
  }));
}

function contentBlocks(
  message: Exclude<Message, { role: 'system' }>,
  modelId: string,
): BlockParam[] {
  switch (message.role) {
    case 'user':
      return message.content.flatMap((part) => textBlock(part.text));
    case 'assistant':
      return message.content.flatMap((part): BlockParam[] =>
        part.type === 'text'
          ? textBlock(part.text)
          : [
              {
                type: 'tool_use',
                id: part.toolCallId,
                name: part.toolName,
                input: toolUseInput(part, modelId),
              },
            ],
      );
    case 'tool':
      return message.content.map((part) => ({
        type: 'tool_result',
        tool_use_id: part.toolCallId,
        content: typeof part.output === 'string' ? part.output : JSON.stringify(part.output),
        ...(part.isError ? { is_error: true } : {}),
      }));
  }
}

/** The API rejects empty text blocks, and an empty one carries nothing. */
function textBlock(text: string): BlockParam[] {
  return text === '' ? [] : [{ type: 'text', text }];
}

/**
 * A user turn that answers tool calls must open with its tool results, so results
 * merged after text (a tool message following a user message) move to the front.
 */
function toolResultsFirst(blocks: BlockParam[]): BlockParam[] {
  return [
    ...blocks.filter((block) => block.type === 'tool_result'),
    ...blocks.filter((block) => block.type !== 'tool_result'),
  ];
}

/**
 * The spec carries tool input as the raw JSON string; the wire wants the object.
 * Input that is not a JSON object cannot be sent faithfully, so the call fails
 * before it is made (an empty string, as some models emit for no arguments, is `{}`).
 */
function toolUseInput(part: ToolCallPart, modelId: string): JsonValue {
  if (part.input.trim() === '') return {};
  const fail = (problem: string, cause?: unknown): ProviderCallError =>
    new ProviderCallError({
      provider: 'anthropic',
      modelId,
      isRetryable: false,
      message: `the input of tool call ${part.toolCallId} (${part.toolName}) ${problem}; the Messages API needs a JSON object there`,
      cause,
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(part.input);
  } catch (error) {
    throw fail('is not valid JSON', error);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw fail('is not a JSON object');
  }
  return parsed as JsonValue;
}

/** The API takes only object input schemas (a tool's input is always an object). */
function toolInputSchema(schema: JsonSchema): Anthropic.Tool.InputSchema {
  return { ...schema, type: 'object' };
}

function toolChoiceParam(choice: CallOptions['toolChoice']): Anthropic.ToolChoice | undefined {
  switch (choice?.type) {
    case undefined:
      return undefined;
    case 'auto':
    case 'none':
      return { type: choice.type };
    case 'required':
      return { type: 'any' };
    case 'tool':
      return { type: 'tool', name: choice.toolName };
  }
}

/**
 * JSON with an object schema and no other tools: a forced tool whose input schema is
 * the output schema. With other tools, forcing would stop the model using them.
 */
function structuredOutput(
  call: CallOptions,
  tools: Anthropic.Tool[],
  warnings: CallWarning[],
): Anthropic.Tool | undefined {
  const format = call.responseFormat;
  if (format?.type !== 'json') return undefined;
  if (format.schema === undefined || format.schema.type !== 'object') {
    warnings.push(
      unsupported(
        'responseFormat',
        'JSON output is not enforced: the Messages API constrains output only to an object schema',
      ),
    );
    return undefined;
  }
  if (tools.length > 0) {
    warnings.push(
      unsupported(
        'responseFormat',
        'JSON output is not enforced while other tools are offered: forcing the output tool would stop the model calling them',
      ),
    );
    return undefined;
  }
  return {
    name: structuredOutputToolName,
    description:
      format.description ??
      'Give your final answer as the input of this tool; it is the whole reply.',
    input_schema: toolInputSchema(withoutMetaKeys(format.schema)),
  };
}

/** `$schema`, `$id` and vendor `x-…` keys describe the document, not the output. */
function withoutMetaKeys(schema: JsonSchema): JsonSchema {
  return Object.fromEntries(
    Object.entries(schema).filter(
      ([key]) => key !== '$schema' && key !== '$id' && !key.startsWith('x-'),
    ),
  );
}

/**
 * API version 2026-10-21 (the one SDK 1.x sends) removed temperature, top_p and
 * top_k: sending any of them is a 400, so they are reported, not sent.
 */
function ignoredSettingWarnings(call: CallOptions): CallWarning[] {
  const warnings: CallWarning[] = [];
  const removed = [
    ['temperature', call.temperature],
    ['topP', call.topP],
    ['topK', call.topK],
  ] as const;
  for (const [setting, value] of removed) {
    if (value !== undefined) {
      warnings.push(
        unsupported(setting, `${setting} is not sent: API version 2026-10-21 rejects it`),
      );
    }
  }
  if (call.seed !== undefined) {
    warnings.push(unsupported('seed', 'seed is not supported by the Messages API'));
  }
  for (const key of Object.keys(call.providerOptions?.anthropic ?? {})) {
    warnings.push(
      unsupported(`providerOptions.anthropic.${key}`, `${key} is not supported by this adapter`),
    );
  }
  return warnings;
}

function unsupported(setting: string, message: string): CallWarning {
  return { type: 'unsupported-setting', setting, message };
}
