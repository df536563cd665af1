/**
 * The provider contract: one suite every `LanguageModel` implementation must pass
 * (replay now; anthropic and openai against loopback servers later), the way Hono
 * runs one router suite for each router.
 *
 * A harness scripts its backend from `contractCases`: each case is a call and the
 * reply the backend must give. `contractScript` lists the calls a healthy run of the
 * suite makes, in order (the streaming case is called twice: generate, then stream).
 */
import { describe, expect, it } from 'vitest';
import type {
  CallOptions,
  GenerateResult,
  LanguageModel,
  StreamPart,
} from '../../src/provider/index.js';

export interface ContractModel {
  model: LanguageModel;
  cleanup?(): Promise<void>;
}

export interface ProviderContractOptions {
  /** A model whose backend answers the calls of `contractScript` with the cases' replies. */
  createModel(): Promise<ContractModel>;
  /**
   * HTTP failures, for adapters that talk to a (loopback) server: a model whose
   * backend answers every call with `status` (429 with `retry-after: 2`). Left out by
   * providers without a network (replay); those tests are then skipped.
   */
  createFailingModel?(status: HttpFailureStatus): Promise<ContractModel>;
}

export type HttpFailureStatus = 401 | 429 | 500;

export interface ContractCase {
  options: CallOptions;
  reply: GenerateResult;
}

export type ContractCaseName = 'text' | 'toolCall' | 'json' | 'abort' | 'stream';

const usage = { inputTokens: 42, outputTokens: 7 };
const label = (subtask: number) => ({ run: 'provider-contract', subtask, turn: 1 });
const userSays = (text: string): CallOptions['messages'] => [
  { role: 'user', content: [{ type: 'text', text }] },
];
const toolInput = '{"query":"sum(rate(http_requests_total{status=~\\"5..\\"}[5m]))"}';
const jsonReply = '{"severity":"SEV1","summary":"Checkout is failing in eu-west-1."}';

export const contractCases: Record<ContractCaseName, ContractCase> = {
  text: {
    options: {
      system: 'Be brief.',
      messages: userSays('Is checkout up?'),
      maxOutputTokens: 64,
      callLabel: label(1),
    },
    reply: reply([{ type: 'text', text: 'No: checkout returns 503s since 14:02 UTC.' }], 'stop'),
  },
  toolCall: {
    options: {
      messages: userSays('What is the 5xx rate?'),
      tools: [
        {
          name: 'query_prometheus',
          description: 'Run an instant PromQL query.',
          inputSchema: {
            type: 'object',
            properties: { query: { type: 'string' } },
            required: ['query'],
          },
        },
      ],
      toolChoice: { type: 'auto' },
      callLabel: label(2),
    },
    reply: reply(
      [
        {
          type: 'tool-call',
          toolCallId: 'toolu_contract_1',
          toolName: 'query_prometheus',
          input: toolInput,
        },
      ],
      'tool-calls',
    ),
  },
  json: {
    options: {
      messages: userSays('Classify the incident.'),
      responseFormat: {
        type: 'json',
        name: 'triage',
        schema: {
          type: 'object',
          properties: { severity: { type: 'string' }, summary: { type: 'string' } },
          required: ['severity', 'summary'],
          additionalProperties: false,
        },
      },
      callLabel: label(3),
    },
    reply: reply([{ type: 'text', text: jsonReply }], 'stop'),
  },
  abort: {
    options: { messages: userSays('This call is cancelled.'), callLabel: label(4) },
    reply: reply([{ type: 'text', text: 'Too late.' }], 'stop'),
  },
  stream: {
    options: { messages: userSays('Summarise the incident so far.'), callLabel: label(5) },
    reply: reply(
      [
        {
          type: 'text',
          text: 'Checkout has failed since the 14:00 deploy; rollback is in progress and error rates are falling.',
        },
      ],
      'stop',
    ),
  },
};

/** The calls a passing run makes to a healthy backend, in order. */
export const contractScript: Array<{ name: ContractCaseName; via: 'generate' | 'stream' }> = [
  { name: 'text', via: 'generate' },
  { name: 'toolCall', via: 'generate' },
  { name: 'json', via: 'generate' },
  { name: 'abort', via: 'generate' },
  { name: 'stream', via: 'generate' },
  { name: 'stream', via: 'stream' },
];

function reply(content: GenerateResult['content'], unified: 'stop' | 'tool-calls'): GenerateResult {
  return {
    content,
    finishReason: { unified, raw: unified },
    usage,
    warnings: [],
    response: { id: 'contract-response' },
  };
}

export function runProviderContract(name: string, options: ProviderContractOptions): void {
  const withModel = async <T>(
    use: (model: LanguageModel) => Promise<T>,
    create = options.createModel,
  ): Promise<T> => {
    const { model, cleanup } = await create();
    try {
      return await use(model);
    } finally {
      await cleanup?.();
    }
  };

  describe(`provider contract: ${name}`, () => {
    it('returns a text reply with finish reason and usage', () =>
      withModel(async (model) => {
        const result = await model.doGenerate(contractCases.text.options);
        expect(result.content).toEqual(contractCases.text.reply.content);
        expect(result.finishReason.unified).toBe('stop');
        expect(result.usage.inputTokens).toBeGreaterThan(0);
        expect(result.usage.outputTokens).toBeGreaterThan(0);
        expect(Array.isArray(result.warnings)).toBe(true);
      }));

    it('returns a tool call with its input as the raw JSON string', () =>
      withModel(async (model) => {
        const result = await model.doGenerate(contractCases.toolCall.options);
        const call = result.content.find((part) => part.type === 'tool-call');
        expect(call).toMatchObject({
          toolName: 'query_prometheus',
          toolCallId: 'toolu_contract_1',
        });
        expect(typeof call?.input).toBe('string');
        expect(JSON.parse(call?.input ?? '')).toEqual(JSON.parse(toolInput));
        expect(result.finishReason.unified).toBe('tool-calls');
      }));

    it('returns JSON output as text that parses to the requested shape', () =>
      withModel(async (model) => {
        const result = await model.doGenerate(contractCases.json.options);
        const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
        expect(JSON.parse(text)).toEqual(JSON.parse(jsonReply));
      }));

    it('rejects with an AbortError when the signal is already aborted', () =>
      withModel(async (model) => {
        const controller = new AbortController();
        controller.abort();
        const call = model.doGenerate({
          ...contractCases.abort.options,
          abortSignal: controller.signal,
        });
        await expect(call).rejects.toMatchObject({ name: 'AbortError' });
      }));

    it('rejects with an AbortError when aborted in flight', () =>
      withModel(async (model) => {
        const controller = new AbortController();
        const call = model.doGenerate({
          ...contractCases.abort.options,
          abortSignal: controller.signal,
        });
        controller.abort();
        await expect(call).rejects.toMatchObject({ name: 'AbortError' });
      }));

    it('streams deltas that join to the same text as generate, then finishes', () =>
      withModel(async (model) => {
        const generated = await model.doGenerate(contractCases.stream.options);
        const parts: StreamPart[] = [];
        for await (const part of model.doStream(contractCases.stream.options)) parts.push(part);
        const deltas = parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []));
        expect(deltas.length).toBeGreaterThan(1);
        expect(deltas.join('')).toBe(textOf(generated));
        expect(parts.at(-1)?.type).toBe('finish');
        expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
      }));

    const failing = options.createFailingModel;
    const expected: Record<
      HttpFailureStatus,
      { code: string; isRetryable: boolean; userError: boolean }
    > = {
      401: { code: 'PROVIDER_CALL', isRetryable: false, userError: true },
      429: { code: 'PROVIDER_RATE_LIMIT', isRetryable: true, userError: false },
      500: { code: 'PROVIDER_CALL', isRetryable: true, userError: false },
    };
    for (const status of [401, 429, 500] as const) {
      it.skipIf(failing === undefined)(`wraps HTTP ${status} in a ProviderCallError`, () =>
        withModel(
          async (model) => {
            const call = model.doGenerate(contractCases.text.options);
            await expect(call).rejects.toMatchObject({
              name: 'ProviderCallError',
              statusCode: status,
              ...expected[status],
            });
            if (status === 429) await expect(call).rejects.toMatchObject({ retryAfterMs: 2000 });
          },
          failing && (() => failing(status)),
        ),
      );
    }
  });
}

function textOf(result: GenerateResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}
