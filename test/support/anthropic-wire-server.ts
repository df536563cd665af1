/**
 * A loopback server speaking the Anthropic Messages wire protocol, for driving the
 * real SDK in tests. It is strict on purpose: a request that breaks the documented
 * format (no `anthropic-version` or `max_tokens`, a bad role, turns that do not
 * alternate, a `tool_result` without its `tool_use`, a field API version 2026-10-21
 * removed) gets the 400 the API would give, so a client bug cannot hide behind a
 * lenient stand-in. Every request is recorded (headers and parsed body), and each one
 * is answered from the test's script: a message (JSON, or SSE when the request asks
 * to stream), raw SSE events (optionally cut off mid-way), an error, or silence.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type WireJson = null | boolean | number | string | WireJson[] | WireObject;
export type WireObject = { [key: string]: WireJson };

export interface WireRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when it did not parse). */
  body: WireObject | undefined;
  /** Why the server answered 400/401/404 instead of consulting the script. */
  rejected?: string;
}

export interface WireMessage {
  id?: string;
  model?: string;
  content: WireObject[];
  stop_reason: string | null;
  usage?: WireObject;
}

export interface WireEvent {
  event: string;
  data: WireObject;
}

export type WireReply =
  | { type: 'message'; message: WireMessage; delayMs?: number; headers?: Record<string, string> }
  | { type: 'events'; events: WireEvent[]; dropAfter?: number }
  | {
      type: 'error';
      status: number;
      errorType: string;
      message: string;
      errorCode?: string;
      headers?: Record<string, string>;
    }
  /** Never answers: the client has to give up (abort). */
  | { type: 'hang' }
  /** Closes the connection without a response. */
  | { type: 'drop' };

export type WireScript = (request: WireRequest) => WireReply;

export interface AnthropicWireServer {
  /** The SDK's `baseURL`. */
  readonly url: string;
  /** Every request received, accepted or rejected, in order. */
  readonly requests: WireRequest[];
  /** Queues replies for the next accepted requests; the script answers after them. */
  reply(...replies: WireReply[]): void;
  close(): Promise<void>;
}

export async function startAnthropicWireServer(script?: WireScript): Promise<AnthropicWireServer> {
  const requests: WireRequest[] = [];
  const queued: WireReply[] = [];
  let served = 0;
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const request: WireRequest = {
        method: incoming.method ?? '',
        path: (incoming.url ?? '').split('?')[0] ?? '',
        headers: incoming.headers,
        body: parseObject(text),
      };
      requests.push(request);
      const requestId = `req_wire_${++served}`;
      const violation = wireViolation(request, text);
      if (violation !== undefined) {
        request.rejected = violation.message;
        sendError(response, requestId, { type: 'error', ...violation });
        return;
      }
      const reply = queued.shift() ?? script?.(request) ?? noScript;
      answer(response, requestId, request, reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply: (...replies) => queued.push(...replies),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

const noScript: WireReply = {
  type: 'error',
  status: 500,
  errorType: 'api_error',
  message: 'wire server: no reply scripted for this request',
};

function answer(
  response: ServerResponse,
  requestId: string,
  request: WireRequest,
  reply: WireReply,
): void {
  switch (reply.type) {
    case 'hang':
      return;
    case 'drop':
      response.socket?.destroy();
      return;
    case 'error':
      sendError(response, requestId, reply);
      return;
    case 'events':
      sendEvents(response, requestId, reply.events, reply.dropAfter);
      return;
    case 'message': {
      const message = wireMessage(reply.message);
      const send = () => {
        if (request.body?.stream === true) {
          sendEvents(response, requestId, messageEvents(message));
          return;
        }
        const headers = { 'content-type': 'application/json', 'request-id': requestId };
        response.writeHead(200, { ...headers, ...reply.headers });
        response.end(JSON.stringify(message));
      };
      if (reply.delayMs === undefined) send();
      else setTimeout(send, reply.delayMs);
    }
  }
}

function sendError(
  response: ServerResponse,
  requestId: string,
  reply: Extract<WireReply, { type: 'error' }>,
): void {
  const error: WireObject = { type: reply.errorType, message: reply.message };
  if (reply.errorCode !== undefined) error.details = { error_code: reply.errorCode };
  const headers = { 'content-type': 'application/json', 'request-id': requestId };
  response.writeHead(reply.status, { ...headers, ...reply.headers });
  response.end(JSON.stringify({ type: 'error', error, request_id: requestId }));
}

/** Every frame carries its `event:` line: the SDK drops frames without one. */
function sendEvents(
  response: ServerResponse,
  requestId: string,
  events: WireEvent[],
  dropAfter?: number,
): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'request-id': requestId,
  });
  const sent = dropAfter === undefined ? events : events.slice(0, dropAfter);
  for (const { event, data } of sent)
    response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  if (dropAfter === undefined) {
    response.end();
    return;
  }
  // Let the frames reach the client before the socket goes, as a real cut-off would.
  setTimeout(() => response.socket?.destroy(), 20);
}

/** A complete message with the defaults the API always fills in. */
export function wireMessage(message: WireMessage): WireObject {
  return {
    id: message.id ?? 'msg_wire_1',
    type: 'message',
    role: 'assistant',
    model: message.model ?? 'claude-wire',
    content: message.content,
    stop_reason: message.stop_reason,
    stop_sequence: null,
    usage: { input_tokens: 42, output_tokens: 7, ...message.usage },
  };
}

/**
 * The SSE events the API sends for `message`: text in word-sized deltas, tool input
 * in small JSON fragments, a `ping` in the middle, usage split between message_start
 * (input) and message_delta (output), as the API does.
 */
export function messageEvents(message: WireObject): WireEvent[] {
  const usage = (message.usage ?? {}) as WireObject;
  const content = (message.content ?? []) as WireObject[];
  const event = (type: string, data: WireObject): WireEvent => ({
    event: type,
    data: { type, ...data },
  });
  const events: WireEvent[] = [
    event('message_start', {
      message: {
        ...message,
        content: [],
        stop_reason: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
    event('ping', {}),
  ];
  content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push(
        event('content_block_start', { index, content_block: { type: 'text', text: '' } }),
      );
      for (const text of String(block.text).split(/(?<= )/)) {
        events.push(event('content_block_delta', { index, delta: { type: 'text_delta', text } }));
      }
    } else {
      const start = { ...block, input: {} };
      events.push(event('content_block_start', { index, content_block: start }));
      const json = JSON.stringify(block.input);
      for (let at = 0; at < json.length; at += 7) {
        const partial_json = json.slice(at, at + 7);
        events.push(
          event('content_block_delta', {
            index,
            delta: { type: 'input_json_delta', partial_json },
          }),
        );
      }
    }
    events.push(event('content_block_stop', { index }));
  });
  events.push(
    event('message_delta', {
      delta: { stop_reason: message.stop_reason ?? null, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens ?? 1 },
    }),
    event('message_stop', {}),
  );
  return events;
}

function parseObject(text: string): WireObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is WireObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ——— the wire rules ———

type Violation = { status: number; errorType: string; message: string };

const knownFields = new Set([
  'model',
  'max_tokens',
  'messages',
  'system',
  'tools',
  'tool_choice',
  'stop_sequences',
  'stream',
  'metadata',
  'thinking',
  'service_tier',
  'output_config',
  'cache_control',
  'container',
  'inference_geo',
  'speed',
]);

function wireViolation(request: WireRequest, text: string): Violation | undefined {
  if (request.method !== 'POST' || request.path !== '/v1/messages') {
    return { status: 404, errorType: 'not_found_error', message: `${request.path}: not found` };
  }
  const { headers } = request;
  if (!headers['x-api-key'] && !/^Bearer \S+$/.test(headers.authorization ?? '')) {
    return {
      status: 401,
      errorType: 'authentication_error',
      message: 'x-api-key header is required',
    };
  }
  const invalid = (message: string): Violation => ({
    status: 400,
    errorType: 'invalid_request_error',
    message,
  });
  if (!headers['anthropic-version']) return invalid('anthropic-version: header is required');
  const body = request.body;
  if (body === undefined) return invalid(`the body is not a JSON object: ${text.slice(0, 40)}`);
  const problem = bodyProblem(body);
  return problem === undefined ? undefined : invalid(problem);
}

function bodyProblem(body: WireObject): string | undefined {
  for (const key of Object.keys(body)) {
    if (!knownFields.has(key)) return `${key}: Extra inputs are not permitted`;
  }
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  const maxTokens = body.max_tokens;
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
    return 'max_tokens: Field required (a positive integer)';
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') return 'stream: not a boolean';
  const stops = body.stop_sequences;
  if (
    stops !== undefined &&
    !(Array.isArray(stops) && stops.every((stop) => typeof stop === 'string'))
  ) {
    return 'stop_sequences: Input should be a list of strings';
  }
  return systemProblem(body.system) ?? toolsProblem(body) ?? messagesProblem(body.messages);
}

function systemProblem(system: WireJson | undefined): string | undefined {
  if (system === undefined || typeof system === 'string') return undefined;
  if (!Array.isArray(system)) return 'system: Input should be a string or a list of text blocks';
  for (const [index, block] of system.entries()) {
    if (
      !isObject(block) ||
      block.type !== 'text' ||
      typeof block.text !== 'string' ||
      block.text === ''
    ) {
      return `system.${index}: Input should be a non-empty text block`;
    }
    const cache = cacheControlProblem(block, `system.${index}`);
    if (cache !== undefined) return cache;
  }
  return undefined;
}

function cacheControlProblem(block: WireObject, where: string): string | undefined {
  const cache = block.cache_control;
  if (cache === undefined || cache === null) return undefined;
  return isObject(cache) && cache.type === 'ephemeral'
    ? undefined
    : `${where}.cache_control: Input tag should be 'ephemeral'`;
}

function toolsProblem(body: WireObject): string | undefined {
  const tools = body.tools ?? [];
  if (!Array.isArray(tools)) return 'tools: Input should be a list';
  const names = new Set<string>();
  for (const [index, tool] of tools.entries()) {
    if (
      !isObject(tool) ||
      typeof tool.name !== 'string' ||
      !/^[a-zA-Z0-9_-]{1,128}$/.test(tool.name)
    ) {
      return `tools.${index}.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
    }
    if (names.has(tool.name)) return `tools: Tool names must be unique (${tool.name})`;
    names.add(tool.name);
    if (!isObject(tool.input_schema) || tool.input_schema.type !== 'object') {
      return `tools.${index}.input_schema.type: Input should be 'object'`;
    }
    const cache = cacheControlProblem(tool, `tools.${index}`);
    if (cache !== undefined) return cache;
  }
  const choice = body.tool_choice;
  if (choice === undefined) return undefined;
  if (names.size === 0) return 'tool_choice: may only be specified while providing tools';
  if (!isObject(choice) || !['auto', 'any', 'none', 'tool'].includes(String(choice.type))) {
    return "tool_choice.type: Input should be 'auto', 'any', 'none' or 'tool'";
  }
  if (choice.type === 'tool' && !names.has(String(choice.name))) {
    return `tool_choice.name: no tool named ${String(choice.name)}`;
  }
  return undefined;
}

function messagesProblem(messages: WireJson | undefined): string | undefined {
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: Field required';
  let previous: { role: string; toolUses: string[] } | undefined;
  for (const [index, message] of messages.entries()) {
    const where = `messages.${index}`;
    if (!isObject(message)) return `${where}: Input should be an object`;
    const { role, content } = message;
    if (role !== 'user' && role !== 'assistant') {
      return `${where}.role: Input should be 'user' or 'assistant'`;
    }
    if (previous?.role === role) {
      return `${where}: roles must alternate between "user" and "assistant"`;
    }
    const blocks: WireJson | undefined =
      typeof content === 'string' ? [{ type: 'text', text: content }] : content;
    if (!Array.isArray(blocks) || blocks.length === 0) return `${where}.content: Field required`;
    const answered = new Set<string>();
    const toolUses: string[] = [];
    let seenOther = false;
    for (const [at, block] of blocks.entries()) {
      const here = `${where}.content.${at}`;
      if (!isObject(block)) return `${here}: Input should be an object`;
      if (block.type === 'text') {
        if (typeof block.text !== 'string' || block.text === '')
          return `${here}: text content blocks must be non-empty`;
        seenOther = true;
      } else if (block.type === 'tool_use' && role === 'assistant') {
        if (
          typeof block.id !== 'string' ||
          typeof block.name !== 'string' ||
          !isObject(block.input)
        ) {
          return `${here}: tool_use needs an id, a name and an object input`;
        }
        toolUses.push(block.id);
      } else if (block.type === 'tool_result' && role === 'user') {
        const id = String(block.tool_use_id);
        if (!previous?.toolUses.includes(id)) {
          return `${here}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
        if (seenOther) return `${here}: tool_result blocks must come before any other content`;
        answered.add(id);
      } else {
        return `${here}.type: ${String(block.type)} is not allowed in a ${role} message`;
      }
    }
    const unanswered = previous?.toolUses.filter((id) => !answered.has(id)) ?? [];
    if (unanswered.length > 0) {
      return `${where}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.join(', ')}`;
    }
    previous = { role, toolUses };
  }
  return undefined;
}
