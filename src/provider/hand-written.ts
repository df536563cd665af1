/**
 * The hand-written provider, for authoring demo fixtures without a model: each call
 * is answered by a Markdown file named after its call label. Wrapped in the
 * recording provider (provenance 'hand-written') it produces keyed fixtures whose
 * requests are the real rendered prompts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WarroomError } from '../errors.js';
import { raceAbort } from './abort.js';
import { createPlaybackProvider } from './playback-provider.js';
import type {
  CallLabel,
  CallOptions,
  ContentPart,
  GenerateResult,
  Message,
  ModelProvider,
  ModelTarget,
} from './spec.js';

export interface HandWrittenProviderOptions {
  /** Holds `subtask-<N>.md` (turn 1) and `subtask-<N>-turn-<T>.md`. */
  responsesDir: string;
}

export function createHandWrittenProvider(options: HandWrittenProviderOptions): ModelProvider {
  const answer = async (target: ModelTarget, call: CallOptions): Promise<GenerateResult> => {
    const reply = await raceAbort(readReply(options.responsesDir, call), call.abortSignal);
    const content = replyContent(reply, call.callLabel);
    const calls = content.some((part) => part.type === 'tool-call');
    return {
      content,
      finishReason: calls
        ? { unified: 'tool-calls', raw: 'tool_use' }
        : { unified: 'stop', raw: 'stop' },
      usage: {
        inputTokens: estimateTokens(inputText(call)),
        outputTokens: estimateTokens(reply.text),
      },
      warnings: [],
      response: { modelId: target.modelId },
    };
  };
  return createPlaybackProvider('hand-written', answer);
}

/**
 * A `.json` reply file is a turn that calls tools:
 *   { "text": "optional words", "toolCalls": [{ "name": "query_prometheus", "input": { … } }] }
 * Anything else is the reply's text.
 */
function replyContent(
  reply: { file: string; text: string },
  label: CallLabel | undefined,
): ContentPart[] {
  if (!reply.file.endsWith('.json')) return [{ type: 'text', text: reply.text }];
  const parsed = JSON.parse(reply.text) as {
    text?: string;
    toolCalls?: Array<{ name: string; input: unknown }>;
  };
  const parts: ContentPart[] = parsed.text ? [{ type: 'text', text: parsed.text }] : [];
  (parsed.toolCalls ?? []).forEach((toolCall, index) => {
    parts.push({
      type: 'tool-call',
      toolCallId: `call_${label?.subtask ?? 0}_${label?.turn ?? 0}_${index + 1}`,
      toolName: toolCall.name,
      input: JSON.stringify(toolCall.input ?? {}),
    });
  });
  return parts;
}

async function readReply(
  responsesDir: string,
  call: CallOptions,
): Promise<{ file: string; text: string }> {
  const label = call.callLabel;
  if (label === undefined) {
    throw new TypeError(
      'The hand-written provider answers by options.callLabel, which is missing.',
    );
  }
  const candidates = replyFiles(responsesDir, label);
  for (const file of candidates) {
    try {
      return { file, text: await readFile(file, 'utf8') };
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }
  throw new WarroomError({
    code: 'FIXTURE_MISS',
    message: `No hand-written reply for run '${label.run}' subtask ${label.subtask} turn ${label.turn}: write the model's reply to ${candidates.join(' or ')}.`,
    file: candidates[0],
    subtask: label.subtask,
    userError: true,
  });
}

/** Turn 1 may drop the `-turn-1` suffix: most subtasks have only one turn. */
function replyFiles(dir: string, label: CallLabel): string[] {
  const turn = `subtask-${label.subtask}-turn-${label.turn}`;
  const turnFiles = [join(dir, `${turn}.md`), join(dir, `${turn}.json`)];
  return label.turn === 1 ? [join(dir, `subtask-${label.subtask}.md`), ...turnFiles] : turnFiles;
}

/** A rough count (4 characters a token), so cost and budget code has numbers to work with. */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function inputText(call: CallOptions): string {
  return [call.system ?? '', ...call.messages.map(messageText)].join('\n');
}

function messageText(message: Message): string {
  if (message.role === 'system') return message.content;
  return message.content
    .map((part) => {
      if (part.type === 'text') return part.text;
      if (part.type === 'tool-call') return part.input;
      return JSON.stringify(part.output);
    })
    .join('\n');
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
