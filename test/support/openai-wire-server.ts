/**
 * A loopback server speaking the Chat Completions wire protocol at
 * `/v1/chat/completions`, for driving the real `openai` SDK in tests.
 *
 * Strict on purpose: a request that breaks the documented format (no model, a bad
 * role, a tool message without its tool call, an invalid response_format, an
 * unknown parameter, no bearer key) gets the 400/401 OpenAI would send, so a client
 * bug fails the test instead of passing against a lenient stand-in. Every request is
 * recorded; replies come from a per-test script.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WireRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (the raw text when it did not parse). */
  body: unknown;
}

export interface WireAnswer {
  id?: string;
  model?: string;
  text?: string;
  toolCalls?: Array<{ id?: string; name: string; arguments: string }>;
  /** Defaults to `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: string;
  /** `null`: a server that reports no usage (no usage chunk when streaming). */
  usage?: { promptTokens: number; completionTokens: number; cachedTokens?: number } | null;
}

export type WireReply =
  /** A completion: JSON, or SSE chunks when the request asked to stream. */
  | { type: 'answer'; answer: WireAnswer; delayMs?: number }
  | { type: 'error'; status: number; headers?: Record<string, string>; body?: unknown }
  /** Streams `afterChunks` chunks of the answer, then destroys the socket. */
  | { type: 'drop'; answer: WireAnswer; afterChunks: number };

export interface OpenAIWireServerOptions {
  /** A compatible server that needs no key (Ollama, vLLM). */
  keyless?: boolean;
  /** Replies in order; a function answers every request. */
  script?: WireReply[] | ((request: WireRequest) => WireReply);
}

export interface OpenAIWireServer {
  /** `http://127.0.0.1:PORT/v1`, the SDK's `baseURL`. */
  readonly baseURL: string;
  /** Every HTTP request received, rejected ones included. */
  readonly requests: WireRequest[];
  /** Request bodies of the chat completions calls, in order. */
  bodies(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

type Body = Record<string, unknown>;

export async function startOpenAIWireServer(
  options: OpenAIWireServerOptions = {},
): Promise<OpenAIWireServer> {
  const requests: WireRequest[] = [];
  const queue = Array.isArray(options.script) ? [...options.script] : [];
  const nextReply = (request: WireRequest): WireReply | undefined =>
    typeof options.script === 'function' ? options.script(request) : queue.shift();

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const request: WireRequest = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        headers: incoming.headers,
        body: parseJson(text) ?? text,
      };
      requests.push(request);
      response.setHeader('x-request-id', `req_loopback_${requests.length}`);
      try {
        checkRequest(request, options.keyless === true);
      } catch (error) {
        if (!(error instanceof Rejection)) throw error;
        const body = errorBody(error.message, 'invalid_request_error', error.code);
        sendJson(response, error.status, body);
        return;
      }
      const reply = nextReply(request) ?? {
        type: 'error',
        status: 500,
        body: errorBody('The loopback script has no reply left.', 'server_error'),
      };
      sendReply(response, reply, request.body as Body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    bodies: () =>
      requests
        .filter((request) => request.path === '/v1/chat/completions')
        .map((request) => request.body as Body),
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** OpenAI's error replies, with the bodies the API sends. */
export const openAIErrors = {
  unauthorized: (): WireReply =>
    errorReply(
      401,
      'Incorrect API key provided: sk-bad.',
      'invalid_request_error',
      'invalid_api_key',
    ),
  rateLimited: (headers: Record<string, string> = { 'retry-after': '2' }): WireReply =>
    errorReply(
      429,
      'Rate limit reached for requests per min (RPM).',
      'requests',
      'rate_limit_exceeded',
      headers,
    ),
  insufficientQuota: (): WireReply =>
    errorReply(
      429,
      'You exceeded your current quota, please check your plan and billing details.',
      'insufficient_quota',
      'insufficient_quota',
      { 'retry-after': '20' },
    ),
  serverError: (status = 500): WireReply =>
    errorReply(status, 'The server had an error while processing your request.', 'server_error'),
};

function errorReply(
  status: number,
  message: string,
  type: string,
  code: string | null = null,
  headers: Record<string, string> = {},
): WireReply {
  return { type: 'error', status, headers, body: errorBody(message, type, code) };
}

function sendReply(response: ServerResponse, reply: WireReply, body: Body): void {
  if (reply.type === 'error') {
    for (const [name, value] of Object.entries(reply.headers ?? {})) {
      response.setHeader(name, value);
    }
    sendJson(response, reply.status, reply.body ?? errorBody('error', 'server_error'));
    return;
  }
  const streaming = body.stream === true;
  const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
  if (reply.type === 'drop') {
    if (streaming) {
      const chunks = streamChunks(reply.answer, body, includeUsage).slice(0, reply.afterChunks);
      startStream(response);
      for (const chunk of chunks) response.write(`data: ${JSON.stringify(chunk)}\n\n`);
    } else {
      const json = JSON.stringify(completion(reply.answer, body));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(json.slice(0, json.length / 2));
    }
    // Let the written chunks reach the client before the connection dies.
    setTimeout(() => response.socket?.destroy(), 20);
    return;
  }
  const send = (): void => {
    if (!streaming) {
      sendJson(response, 200, completion(reply.answer, body));
      return;
    }
    startStream(response);
    for (const chunk of streamChunks(reply.answer, body, includeUsage)) {
      response.write(`data: ${JSON.stringify(chunk)}\n\n`);
    }
    response.end('data: [DONE]\n\n');
  };
  if (!reply.delayMs) {
    send();
    return;
  }
  const timer = setTimeout(send, reply.delayMs);
  // An aborting client closes the connection; stop the pending reply with it.
  response.on('close', () => clearTimeout(timer));
}

function completion(answer: WireAnswer, body: Body): Body {
  const toolCalls = answer.toolCalls ?? [];
  return {
    id: answer.id ?? 'chatcmpl-loopback',
    object: 'chat.completion',
    created: 1_767_225_600,
    model: answer.model ?? body.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.text ?? null,
          refusal: null,
          ...(toolCalls.length > 0 && {
            tool_calls: toolCalls.map((call, index) => ({
              id: call.id ?? `call_${index}`,
              type: 'function',
              function: { name: call.name, arguments: call.arguments },
            })),
          }),
        },
        logprobs: null,
        finish_reason: finishReasonOf(answer),
      },
    ],
    ...(answer.usage !== null && { usage: usageBody(answer) }),
  };
}

/** The chunks OpenAI sends: role first, text by word, arguments in fragments, usage last. */
function streamChunks(answer: WireAnswer, body: Body, includeUsage: boolean): Body[] {
  const base = {
    id: answer.id ?? 'chatcmpl-loopback',
    object: 'chat.completion.chunk',
    created: 1_767_225_600,
    model: answer.model ?? body.model,
    ...(includeUsage && { usage: null }),
  };
  const chunk = (delta: Body, finishReason: string | null = null): Body => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
  const chunks = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const word of (answer.text ?? '').split(/(?<= )/).filter(Boolean)) {
    chunks.push(chunk({ content: word }));
  }
  (answer.toolCalls ?? []).forEach((call, index) => {
    const id = call.id ?? `call_${index}`;
    chunks.push(
      chunk({
        tool_calls: [{ index, id, type: 'function', function: { name: call.name, arguments: '' } }],
      }),
    );
    for (const fragment of fragments(call.arguments, 3)) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }));
    }
  });
  chunks.push(chunk({}, finishReasonOf(answer)));
  if (includeUsage && answer.usage !== null) {
    chunks.push({ ...base, choices: [], usage: usageBody(answer) });
  }
  return chunks;
}

function fragments(text: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / count));
  const parts: string[] = [];
  for (let start = 0; start < text.length; start += size)
    parts.push(text.slice(start, start + size));
  return parts;
}

function finishReasonOf(answer: WireAnswer): string {
  return answer.finishReason ?? (answer.toolCalls?.length ? 'tool_calls' : 'stop');
}

function usageBody(answer: WireAnswer): Body {
  const usage = answer.usage ?? { promptTokens: 42, completionTokens: 7 };
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  };
}

function startStream(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.flushHeaders();
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function errorBody(message: string, type: string, code: string | null = null): Body {
  return { error: { message, type, param: null, code } };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// What the real API rejects. A check that fails throws; the handler turns it into
// the 400 (or 401/404) OpenAI would send.

class Rejection extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

function demand(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Rejection(400, message);
}

const words = (list: string): Set<string> => new Set(list.split(/\s+/).filter(Boolean));
const knownParameters = words(`model messages tools tool_choice parallel_tool_calls
  response_format max_completion_tokens max_tokens temperature top_p stop seed stream
  stream_options n user frequency_penalty presence_penalty logit_bias logprobs top_logprobs
  reasoning_effort service_tier store metadata modalities prediction audio web_search_options
  verbosity prompt_cache_key safety_identifier`);
const strictKeywords = words(`type properties required additionalProperties items enum const
  anyOf $ref $defs definitions title description pattern format minimum maximum
  exclusiveMinimum exclusiveMaximum multipleOf minItems maxItems`);
const roles = words('system developer user assistant tool');
const namePattern = /^[a-zA-Z0-9_-]{1,64}$/;

function checkRequest(request: WireRequest, keyless: boolean): void {
  if (request.method !== 'POST' || request.path !== '/v1/chat/completions') {
    throw new Rejection(404, `Invalid URL (${request.method} ${request.path})`);
  }
  if (!keyless && !/^Bearer \S+$/.test(request.headers.authorization ?? '')) {
    throw new Rejection(401, "You didn't provide an API key.", 'invalid_api_key');
  }
  const body = request.body;
  demand(isRecord(body), 'We could not parse the JSON body of your request.');
  const unknown = Object.keys(body).find((key) => !knownParameters.has(key));
  demand(unknown === undefined, `Unrecognized request argument supplied: ${unknown}`);
  demand(typeof body.model === 'string' && body.model !== '', 'you must provide a model parameter');
  demand(
    Array.isArray(body.messages) && body.messages.length > 0,
    "Invalid 'messages': empty array. Expected an array with minimum length 1.",
  );
  checkMessages(body.messages);
  checkTools(body);
  checkResponseFormat(body);
  checkSampling(body);
}

function checkMessages(messages: unknown[]): void {
  // Tool calls of the latest assistant message still waiting for their tool messages.
  let pending = new Set<string>();
  const unanswered = () =>
    `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...pending].join(', ')}`;
  for (const [index, message] of messages.entries()) {
    const at = `messages[${index}]`;
    demand(isRecord(message) && roles.has(String(message.role)), `Invalid value for '${at}.role'.`);
    if (message.role === 'tool') {
      demand(
        typeof message.tool_call_id === 'string' && pending.delete(message.tool_call_id),
        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
      );
      demand(isText(message.content), `Invalid '${at}.content'.`);
      continue;
    }
    demand(pending.size === 0, unanswered());
    if (message.role !== 'assistant') {
      demand(isText(message.content), `Invalid '${at}.content': expected a string or text parts.`);
      continue;
    }
    const calls = message.tool_calls ?? [];
    demand(Array.isArray(calls) && calls.every(isToolCall), `Invalid '${at}.tool_calls'.`);
    const hasContent = message.content !== undefined && message.content !== null;
    demand(!hasContent || isText(message.content), `Invalid '${at}.content'.`);
    demand(hasContent || calls.length > 0, `Invalid '${at}': needs content or tool_calls.`);
    pending = new Set(calls.map((call) => String(call.id)));
  }
  demand(pending.size === 0, unanswered());
}

function isToolCall(call: unknown): call is Body {
  return (
    isRecord(call) &&
    typeof call.id === 'string' &&
    call.type === 'function' &&
    isRecord(call.function) &&
    typeof call.function.name === 'string' &&
    typeof call.function.arguments === 'string'
  );
}

function isText(content: unknown): boolean {
  if (typeof content === 'string') return true;
  return (
    Array.isArray(content) &&
    content.length > 0 &&
    content.every((part) => isRecord(part) && part.type === 'text' && typeof part.text === 'string')
  );
}

function checkTools(body: Body): void {
  const { tools, tool_choice: choice } = body;
  const names: unknown[] = [];
  if (tools !== undefined) {
    demand(
      Array.isArray(tools) && tools.length > 0,
      "Invalid 'tools': expected a non-empty array.",
    );
    for (const [index, tool] of tools.entries()) {
      const fn = isRecord(tool) && tool.type === 'function' ? tool.function : undefined;
      demand(
        isRecord(fn) &&
          namePattern.test(String(fn.name)) &&
          (fn.parameters === undefined || isRecord(fn.parameters)),
        `Invalid 'tools[${index}]'.`,
      );
      names.push(fn.name);
    }
  }
  if (choice === undefined) return;
  demand(
    tools !== undefined,
    "Invalid value for 'tool_choice': only allowed when 'tools' are specified.",
  );
  const named = isRecord(choice) && choice.type === 'function' ? choice.function : undefined;
  demand(
    choice === 'auto' ||
      choice === 'none' ||
      choice === 'required' ||
      (isRecord(named) && names.includes(named.name)),
    "Invalid value for 'tool_choice'.",
  );
}

function checkResponseFormat(body: Body): void {
  const format = body.response_format;
  if (format === undefined) return;
  demand(isRecord(format), "Invalid 'response_format'.");
  if (format.type === 'text') return;
  if (format.type === 'json_object') {
    // The API's own rule: JSON mode needs the word in the conversation.
    demand(
      JSON.stringify(body.messages).toLowerCase().includes('json'),
      "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
    );
    return;
  }
  demand(format.type === 'json_schema', "Invalid value for 'response_format.type'.");
  const spec = format.json_schema;
  demand(
    isRecord(spec) && namePattern.test(String(spec.name)),
    "Invalid 'response_format.json_schema.name': must match ^[a-zA-Z0-9_-]{1,64}$.",
  );
  demand(isRecord(spec.schema), "Invalid 'response_format.json_schema.schema'.");
  if (spec.strict !== true) return;
  demand(
    spec.schema.type === 'object',
    'Invalid schema for response_format: root must be type object.',
  );
  checkStrictSchema(spec.schema, 'root');
}

function checkStrictSchema(schema: Body, context: string): void {
  const invalid = `Invalid schema for response_format: In context=${context}`;
  const unknown = Object.keys(schema).find((key) => !strictKeywords.has(key));
  demand(unknown === undefined, `${invalid}, '${unknown}' is not permitted.`);
  const properties = isRecord(schema.properties) ? schema.properties : {};
  if (schema.type === 'object' || isRecord(schema.properties)) {
    demand(
      schema.additionalProperties === false,
      `${invalid}, 'additionalProperties' must be false.`,
    );
    const required = Array.isArray(schema.required) ? schema.required : [];
    const missing = Object.keys(properties).find((name) => !required.includes(name));
    demand(
      missing === undefined,
      `${invalid}, 'required' must include every key; missing '${missing}'.`,
    );
  }
  const children: Array<[string, unknown]> = [
    ...Object.entries(properties).map(([name, child]): [string, unknown] => [
      `${context}.${name}`,
      child,
    ]),
    ...Object.entries(isRecord(schema.$defs) ? schema.$defs : {}),
    ...(Array.isArray(schema.anyOf)
      ? schema.anyOf.map((child, index): [string, unknown] => [`anyOf.${index}`, child])
      : []),
    ...(schema.items === undefined ? [] : [['items', schema.items] as [string, unknown]]),
  ];
  for (const [path, child] of children) {
    demand(isRecord(child), `${invalid}, a schema must be an object at ${path}.`);
    checkStrictSchema(child, path);
  }
}

function checkSampling(body: Body): void {
  const inRange = (key: string, min: number, max: number) => {
    const value = body[key];
    demand(
      value === undefined || (typeof value === 'number' && value >= min && value <= max),
      `Invalid '${key}'.`,
    );
  };
  const integer = (key: string, min: number) => {
    const value = body[key];
    demand(
      value === undefined || (Number.isInteger(value) && Number(value) >= min),
      `Invalid '${key}'.`,
    );
  };
  inRange('temperature', 0, 2);
  inRange('top_p', 0, 1);
  integer('max_completion_tokens', 1);
  integer('max_tokens', 1);
  integer('seed', Number.MIN_SAFE_INTEGER);
  demand(
    body.max_tokens === undefined || body.max_completion_tokens === undefined,
    'max_tokens and max_completion_tokens cannot both be set.',
  );
  demand(body.stream === undefined || typeof body.stream === 'boolean', "Invalid 'stream'.");
  demand(
    body.stream_options === undefined || body.stream === true,
    "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
  );
  const stop = body.stop;
  demand(
    stop === undefined ||
      typeof stop === 'string' ||
      (Array.isArray(stop) && stop.length <= 4 && stop.every((item) => typeof item === 'string')),
    "Invalid 'stop': expected a string or up to 4 strings.",
  );
}
