import { createAnthropicProvider, type GenerateResult } from '../../src/provider/index.js';
import {
  type AnthropicWireServer,
  startAnthropicWireServer,
  type WireObject,
  type WireReply,
  type WireRequest,
} from '../support/anthropic-wire-server.js';
import {
  type ContractCase,
  type ContractModel,
  contractCases,
  type HttpFailureStatus,
  runProviderContract,
} from './contract.js';

const target = { provider: 'anthropic', modelId: 'claude-contract' };

// The real SDK against the strict loopback server: every contract call crosses the
// wire, so a request the API would reject fails the suite with that 400.
runProviderContract('anthropic', {
  createModel: () => modelOn(startAnthropicWireServer(contractReply)),
  createFailingModel: (status) => modelOn(startAnthropicWireServer(() => failure(status))),
});

async function modelOn(starting: Promise<AnthropicWireServer>): Promise<ContractModel> {
  const server = await starting;
  const provider = createAnthropicProvider({ apiKey: 'sk-ant-contract', baseURL: server.url });
  return { model: provider.languageModel(target), cleanup: () => server.close() };
}

/** Answers a contract call with its case's reply, the way the API would shape it. */
function contractReply(request: WireRequest): WireReply {
  const asked = lastUserText(request.body);
  const match = Object.entries(contractCases).find(([, { options }]) => {
    const last = options.messages.at(-1);
    return last?.role === 'user' && last.content.map(({ text }) => text).join('') === asked;
  });
  if (match === undefined) throw new Error(`no contract case asks ${JSON.stringify(asked)}`);
  const [name, contractCase] = match;
  if (name === 'abort') return { type: 'hang' };
  return { type: 'message', message: wireReply(contractCase, forcedTool(request.body)) };
}

function wireReply(contractCase: ContractCase, forced: string | undefined) {
  const { reply } = contractCase;
  const content = reply.content.map((part): WireObject => {
    if (part.type === 'tool-call') {
      return {
        type: 'tool_use',
        id: part.toolCallId,
        name: part.toolName,
        input: JSON.parse(part.input),
      };
    }
    // JSON output arrives as the forced tool's input, as the API returns it.
    if (forced !== undefined)
      return { type: 'tool_use', id: 'toolu_output', name: forced, input: JSON.parse(part.text) };
    return { type: 'text', text: part.text };
  });
  return {
    content,
    stop_reason: forced !== undefined ? 'tool_use' : stopReason(reply),
    usage: {
      input_tokens: reply.usage.inputTokens ?? 0,
      output_tokens: reply.usage.outputTokens ?? 0,
    },
  };
}

function stopReason(reply: GenerateResult): string {
  return reply.finishReason.unified === 'tool-calls' ? 'tool_use' : 'end_turn';
}

function failure(status: HttpFailureStatus): WireReply {
  switch (status) {
    case 401:
      return {
        type: 'error',
        status,
        errorType: 'authentication_error',
        message: 'invalid x-api-key',
      };
    case 429:
      return {
        type: 'error',
        status,
        errorType: 'rate_limit_error',
        message: 'Number of request tokens has exceeded your per-minute rate limit',
        headers: { 'retry-after': '2' },
      };
    case 500:
      return { type: 'error', status, errorType: 'api_error', message: 'Internal server error' };
  }
}

function lastUserText(body: WireObject | undefined): string {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  const last = messages.at(-1);
  if (typeof last !== 'object' || last === null || Array.isArray(last)) return '';
  if (typeof last.content === 'string') return last.content;
  if (!Array.isArray(last.content)) return '';
  return last.content
    .map((block) =>
      typeof block === 'object' && block !== null && !Array.isArray(block) ? block.text : '',
    )
    .join('');
}

function forcedTool(body: WireObject | undefined): string | undefined {
  const choice = body?.tool_choice;
  if (typeof choice !== 'object' || choice === null || Array.isArray(choice)) return undefined;
  return choice.type === 'tool' && typeof choice.name === 'string' ? choice.name : undefined;
}
