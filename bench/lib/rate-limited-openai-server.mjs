// @ts-check
/**
 * A loopback server speaking OpenAI's Chat Completions wire protocol at
 * `/v1/chat/completions`, enforcing a requests-per-minute limit the way a provider
 * does: a token bucket refilled continuously at the limit's rate (600/min = one
 * request every 100 ms) holding at most `burst` requests — the "600/min enforced
 * as 10/s" both providers say they may apply. A request that finds the bucket
 * empty is answered 429 with OpenAI's error body, `retry-after-ms` (when a request
 * would fit) and the `x-ratelimit-*-requests` headers, and counted.
 *
 * Strict enough that the real SDK's requests are checked, not waved through: POST
 * to the right path, a bearer key, a JSON body with a model, non-empty messages
 * with known roles, and only parameters the API knows (else 400/401/404, counted
 * as `rejected`). Replies are canned: the script maps each request to its text.
 */
import { createServer } from 'node:http';

const knownParameters = new Set(
  `model messages tools tool_choice parallel_tool_calls response_format max_completion_tokens
  max_tokens temperature top_p stop seed stream stream_options n user frequency_penalty
  presence_penalty logit_bias logprobs top_logprobs reasoning_effort service_tier store metadata`
    .split(/\s+/)
    .filter(Boolean),
);
const roles = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

/**
 * @typedef {object} RateLimitedServer
 * @property {string} baseURL `http://127.0.0.1:PORT/v1`, the SDK's baseURL
 * @property {number[]} accepted performance.now() of each request let through
 * @property {number[]} limited performance.now() of each request answered 429
 * @property {string[]} rejected why requests were refused as malformed
 * @property {() => Promise<void>} close
 */

/**
 * @param {object} options
 * @param {number} options.requestsPerMinute
 * @param {number} options.burst requests the bucket holds (it starts full)
 * @param {(body: Record<string, unknown>) => string} options.reply the assistant's text
 * @returns {Promise<RateLimitedServer>}
 */
export async function startRateLimitedOpenAIServer({ requestsPerMinute, burst, reply }) {
  const perMs = requestsPerMinute / 60_000;
  let tokens = burst;
  let updated = performance.now();
  /** @type {RateLimitedServer} */
  const server = {
    baseURL: '',
    accepted: [],
    limited: [],
    rejected: [],
    close: async () => {},
  };
  /** Takes a request from the bucket; else how long until one fits, in ms. */
  const admit = () => {
    const now = performance.now();
    tokens = Math.min(burst, tokens + (now - updated) * perMs);
    updated = now;
    if (tokens >= 1) {
      tokens -= 1;
      server.accepted.push(now);
      return { ok: true, remaining: Math.floor(tokens) };
    }
    server.limited.push(now);
    return { ok: false, waitMs: Math.ceil((1 - tokens) / perMs) };
  };
  const http = createServer((request, response) => {
    const chunks = /** @type {Buffer[]} */ ([]);
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const problem = checkRequest(request, Buffer.concat(chunks).toString('utf8'));
      if (problem) {
        server.rejected.push(problem.message);
        send(response, problem.status, errorBody(problem.message, 'invalid_request_error'));
        return;
      }
      const body = /** @type {Record<string, unknown>} */ (
        JSON.parse(Buffer.concat(chunks).toString('utf8'))
      );
      const admitted = admit();
      const limitHeaders = {
        'x-ratelimit-limit-requests': String(requestsPerMinute),
        'x-ratelimit-remaining-requests': String(admitted.ok ? admitted.remaining : 0),
      };
      if (!admitted.ok) {
        const message = `Rate limit reached for requests per min (RPM): Limit ${requestsPerMinute}. Please try again in ${admitted.waitMs}ms.`;
        send(response, 429, errorBody(message, 'requests', 'rate_limit_exceeded'), {
          ...limitHeaders,
          'retry-after-ms': String(admitted.waitMs),
          'x-ratelimit-reset-requests': `${admitted.waitMs}ms`,
        });
        return;
      }
      send(response, 200, completion(body, reply(body)), limitHeaders);
    });
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  server.baseURL = `http://127.0.0.1:${address.port}/v1`;
  server.close = () =>
    new Promise((resolve, reject) => {
      http.closeAllConnections();
      http.close((error) => (error ? reject(error) : resolve()));
    });
  return server;
}

/**
 * @param {import('node:http').IncomingMessage} request
 * @param {string} text
 * @returns {{ status: number, message: string } | undefined}
 */
function checkRequest(request, text) {
  if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
    return { status: 404, message: `Invalid URL (${request.method} ${request.url})` };
  }
  if (!/^Bearer \S+$/.test(request.headers.authorization ?? '')) {
    return { status: 401, message: "You didn't provide an API key." };
  }
  /** @type {unknown} */
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return { status: 400, message: 'We could not parse the JSON body of your request.' };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { status: 400, message: 'The body must be a JSON object.' };
  }
  const record = /** @type {Record<string, unknown>} */ (body);
  const unknown = Object.keys(record).find((key) => !knownParameters.has(key));
  if (unknown)
    return { status: 400, message: `Unrecognized request argument supplied: ${unknown}` };
  if (typeof record.model !== 'string' || record.model === '') {
    return { status: 400, message: 'you must provide a model parameter' };
  }
  const messages = record.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    return { status: 400, message: "Invalid 'messages': empty array." };
  }
  const badRole = messages.findIndex(
    (message) => typeof message !== 'object' || message === null || !roles.has(message.role),
  );
  if (badRole >= 0)
    return { status: 400, message: `Invalid value for 'messages[${badRole}].role'.` };
  return undefined;
}

/**
 * @param {Record<string, unknown>} body
 * @param {string} text
 */
function completion(body, text) {
  return {
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1_767_225_600,
    model: body.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
  };
}

/**
 * @param {string} message
 * @param {string} type
 * @param {string | null} [code]
 */
function errorBody(message, type, code = null) {
  return { error: { message, type, param: null, code } };
}

/**
 * @param {import('node:http').ServerResponse} response
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function send(response, status, body, headers = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
