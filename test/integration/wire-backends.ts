/**
 * One scripted model backend, spoken over either provider's real wire protocol (the
 * strict loopback servers in test/support/), so an integration test states what the
 * "model" answers once and runs it against anthropic and openai alike. The script
 * sees each accepted request in a provider-neutral form (which subtask asked, the
 * tool results it carries) and answers with text, a tool call, or a fault first.
 */
import { createAnthropicProvider, createOpenAIProvider, extractJson } from '../../src/index.js';
import type { JsonValue, ModelProvider } from '../../src/provider/spec.js';
import {
  type WireReply as AnthropicReply,
  type WireRequest as AnthropicRequest,
  messageEvents,
  startAnthropicWireServer,
  type WireMessage,
  type WireObject,
  wireMessage,
} from '../support/anthropic-wire-server.js';
import {
  type WireReply as OpenAIReply,
  type WireRequest as OpenAIRequest,
  openAIErrors,
  startOpenAIWireServer,
  type WireAnswer,
} from '../support/openai-wire-server.js';

export type WireProvider = 'anthropic' | 'openai';

/** A retryable failure the backend gives before its answer. */
export type Fault = 'rate-limit' | 'overloaded' | 'server-error' | 'drop';

export type Answer =
  | { kind: 'text'; text: string }
  | { kind: 'tool-call'; id: string; name: string; input: Record<string, JsonValue> };

export interface SeenToolResult {
  toolCallId: string;
  content: string;
  /** Anthropic flags error results; Chat Completions has no such flag. */
  isError: boolean;
}

/** An accepted request, provider-neutral. */
export interface SeenRequest {
  firstUserText: string;
  /** The results that end the conversation (the reply to the previous turn's tool calls). */
  toolResults: SeenToolResult[];
  stream: boolean;
  /** Tool names offered to the model (the forced structured-output tool excluded). */
  tools: string[];
}

/** `undefined`: the request was not expected; it gets a 400 and is listed in `unexpected`. */
export type Script = (request: SeenRequest) => { fault?: Fault; answer: Answer } | undefined;

export interface WireBackend {
  provider: WireProvider;
  /** The base URL the provider's SDK is given. */
  baseURL: string;
  /** Every HTTP request received, rejected or not. */
  receivedCount(): number;
  /** Requests that passed the server's wire checks and reached the script. */
  accepted: SeenRequest[];
  /** Requests the script did not expect. */
  unexpected: SeenRequest[];
  /** Why the server rejected requests as malformed (anthropic says; openai only counts). */
  rejectedCount(): number;
  createProvider(apiKey: string): ModelProvider;
  close(): Promise<void>;
}

export function startWireBackend(provider: WireProvider, script: Script): Promise<WireBackend> {
  return provider === 'anthropic' ? startAnthropicBackend(script) : startOpenAIBackend(script);
}

function consult(backend: Pick<WireBackend, 'accepted' | 'unexpected'>, script: Script) {
  return (seen: SeenRequest) => {
    backend.accepted.push(seen);
    const decision = script(seen);
    if (decision === undefined) backend.unexpected.push(seen);
    return decision;
  };
}

async function startAnthropicBackend(script: Script): Promise<WireBackend> {
  const lists = { accepted: [] as SeenRequest[], unexpected: [] as SeenRequest[] };
  const decide = consult(lists, script);
  const server = await startAnthropicWireServer((request) => {
    const decision = decide(seenAnthropic(request));
    if (decision === undefined) return unexpectedAnthropic;
    return anthropicReply(decision.fault, anthropicMessage(request, decision.answer));
  });
  return {
    provider: 'anthropic',
    baseURL: server.url,
    ...lists,
    receivedCount: () => server.requests.length,
    rejectedCount: () => server.requests.filter((request) => request.rejected).length,
    createProvider: (apiKey) => createAnthropicProvider({ baseURL: server.url, apiKey, env: {} }),
    close: () => server.close(),
  };
}

const unexpectedAnthropic: AnthropicReply = {
  type: 'error',
  status: 400,
  errorType: 'invalid_request_error',
  message: 'the test script did not expect this request',
};

function anthropicReply(fault: Fault | undefined, message: WireMessage): AnthropicReply {
  switch (fault) {
    case undefined:
      return { type: 'message', message };
    case 'rate-limit':
      return {
        type: 'error',
        status: 429,
        errorType: 'rate_limit_error',
        message: 'Number of request tokens has exceeded your per-minute rate limit',
        headers: { 'retry-after': '1' },
      };
    case 'overloaded':
      return { type: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded' };
    case 'server-error':
      return {
        type: 'error',
        status: 500,
        errorType: 'api_error',
        message: 'Internal server error',
      };
    case 'drop':
      // The message starts streaming, then the connection goes mid-reply.
      return { type: 'events', events: messageEvents(wireMessage(message)), dropAfter: 4 };
  }
}

/** JSON output forced through a tool arrives as that tool's input, as the API sends it. */
function anthropicMessage(request: AnthropicRequest, answer: Answer): WireMessage {
  const body = request.body ?? {};
  const model = typeof body.model === 'string' ? body.model : 'claude-wire';
  if (answer.kind === 'tool-call') {
    const input = answer.input as WireObject;
    const block = { type: 'tool_use', id: `toolu_${answer.id}`, name: answer.name, input };
    return { model, content: [block], stop_reason: 'tool_use' };
  }
  const forced = forcedTool(body);
  if (forced === undefined) {
    return { model, content: [{ type: 'text', text: answer.text }], stop_reason: 'end_turn' };
  }
  const parsed = extractJson(answer.text);
  if (!parsed.ok) throw new Error(`the scripted answer is not JSON: ${parsed.message}`);
  const input = parsed.value as WireObject;
  const block = { type: 'tool_use', id: 'toolu_output', name: forced, input };
  return { model, content: [block], stop_reason: 'tool_use' };
}

function forcedTool(body: WireObject): string | undefined {
  const choice = body.tool_choice;
  return isObject(choice) && choice.type === 'tool' && typeof choice.name === 'string'
    ? choice.name
    : undefined;
}

function seenAnthropic(request: AnthropicRequest): SeenRequest {
  const body = request.body ?? {};
  const messages = Array.isArray(body.messages) ? body.messages.filter(isObject) : [];
  const blocks = (message: WireObject | undefined): WireObject[] => {
    const content = message?.content;
    if (typeof content === 'string') return [{ type: 'text', text: content }];
    return Array.isArray(content) ? content.filter(isObject) : [];
  };
  const first = messages.find((message) => message.role === 'user');
  const last = messages.at(-1);
  const forced = forcedTool(body);
  return {
    firstUserText: blocks(first)
      .filter((block) => block.type === 'text')
      .map((block) => String(block.text))
      .join(''),
    toolResults:
      last?.role === 'user'
        ? blocks(last)
            .filter((block) => block.type === 'tool_result')
            .map((block) => ({
              toolCallId: String(block.tool_use_id),
              content:
                typeof block.content === 'string' ? block.content : JSON.stringify(block.content),
              isError: block.is_error === true,
            }))
        : [],
    stream: body.stream === true,
    tools: (Array.isArray(body.tools) ? body.tools.filter(isObject) : [])
      .map((tool) => String(tool.name))
      .filter((name) => name !== forced),
  };
}

async function startOpenAIBackend(script: Script): Promise<WireBackend> {
  const lists = { accepted: [] as SeenRequest[], unexpected: [] as SeenRequest[] };
  const decide = consult(lists, script);
  const server = await startOpenAIWireServer({
    script: (request) => {
      const decision = decide(seenOpenAI(request));
      if (decision === undefined) {
        return { type: 'error', status: 400, body: { error: { message: 'unexpected' } } };
      }
      return openAIReply(decision.fault, openAIAnswer(decision.answer));
    },
  });
  return {
    provider: 'openai',
    baseURL: server.baseURL,
    ...lists,
    receivedCount: () => server.requests.length,
    // The server consults the script only for requests that pass its wire checks.
    rejectedCount: () => server.requests.length - lists.accepted.length,
    createProvider: (apiKey) => createOpenAIProvider({ baseURL: server.baseURL, apiKey, env: {} }),
    close: () => server.close(),
  };
}

function openAIReply(fault: Fault | undefined, answer: WireAnswer): OpenAIReply {
  switch (fault) {
    case undefined:
      return { type: 'answer', answer };
    case 'rate-limit':
      return openAIErrors.rateLimited({ 'retry-after': '1' });
    case 'overloaded':
      return openAIErrors.serverError(503);
    case 'server-error':
      return openAIErrors.serverError(500);
    case 'drop':
      return { type: 'drop', answer, afterChunks: 3 };
  }
}

function openAIAnswer(answer: Answer): WireAnswer {
  if (answer.kind === 'text') return { text: answer.text };
  const call = {
    id: `call_${answer.id}`,
    name: answer.name,
    arguments: JSON.stringify(answer.input),
  };
  return { toolCalls: [call] };
}

function seenOpenAI(request: OpenAIRequest): SeenRequest {
  const body = isRecord(request.body) ? request.body : {};
  const messages = Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
  const first = messages.find((message) => message.role === 'user');
  const trailing: Array<Record<string, unknown>> = [];
  for (const message of [...messages].reverse()) {
    if (message.role !== 'tool') break;
    trailing.unshift(message);
  }
  const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
  return {
    firstUserText: textOf(first?.content),
    toolResults: trailing.map((message) => ({
      toolCallId: String(message.tool_call_id),
      content: textOf(message.content),
      isError: false,
    })),
    stream: body.stream === true,
    tools: tools.map((tool) => (isRecord(tool.function) ? String(tool.function.name) : '')),
  };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isRecord)
    .map((part) => (typeof part.text === 'string' ? part.text : ''))
    .join('');
}

function isObject(value: unknown): value is WireObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
