import { createOpenAIProvider, type GenerateResult } from '../../src/provider/index.js';
import {
  openAIErrors,
  startOpenAIWireServer,
  type WireAnswer,
  type WireReply,
  type WireRequest,
} from '../support/openai-wire-server.js';
import { type ContractCaseName, contractCases, runProviderContract } from './contract.js';

const target = { provider: 'openai', modelId: 'gpt-contract' };

/** The contract case a request belongs to, by the user's question. */
function caseOf(request: WireRequest): ContractCaseName | undefined {
  const body = JSON.stringify(request.body);
  return (Object.keys(contractCases) as ContractCaseName[]).find((name) => {
    const [first] = contractCases[name].options.messages;
    const part = first?.role === 'user' ? first.content[0] : undefined;
    return part !== undefined && body.includes(JSON.stringify(part.text));
  });
}

function answerOf(reply: GenerateResult): WireAnswer {
  return {
    id: reply.response.id,
    text: reply.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join(''),
    toolCalls: reply.content.flatMap((part) =>
      part.type === 'tool-call'
        ? [{ id: part.toolCallId, name: part.toolName, arguments: part.input }]
        : [],
    ),
    usage: {
      promptTokens: reply.usage.inputTokens ?? 0,
      completionTokens: reply.usage.outputTokens ?? 0,
    },
  };
}

const healthyBackend = (request: WireRequest): WireReply => {
  const name = caseOf(request);
  if (name === undefined) return openAIErrors.serverError();
  // The abort case must still be in flight when the test aborts it.
  return {
    type: 'answer',
    answer: answerOf(contractCases[name].reply),
    delayMs: name === 'abort' ? 5000 : 0,
  };
};

const failures: Record<401 | 429 | 500, () => WireReply> = {
  401: openAIErrors.unauthorized,
  429: () => openAIErrors.rateLimited({ 'retry-after': '2' }),
  500: () => openAIErrors.serverError(500),
};

runProviderContract('openai', {
  async createModel() {
    const server = await startOpenAIWireServer({ script: healthyBackend });
    const provider = createOpenAIProvider({
      apiKey: 'sk-contract',
      baseURL: server.baseURL,
      env: {},
    });
    return { model: provider.languageModel(target), cleanup: () => server.close() };
  },
  async createFailingModel(status) {
    const server = await startOpenAIWireServer({ script: failures[status] });
    const provider = createOpenAIProvider({
      apiKey: 'sk-contract',
      baseURL: server.baseURL,
      env: {},
    });
    return { model: provider.languageModel(target), cleanup: () => server.close() };
  },
});
