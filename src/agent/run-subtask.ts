/**
 * The loop for one subtask: messages ↔ model ↔ the persona's tools, then output
 * extraction and validation, with repair turns that re-ask the model with the
 * exact violations. Every model call is one turn of `maxTurns`, tool and repair
 * turns alike; `tokenBudget` caps what the subtask spends. Knows nothing of the
 * DAG or the CLI; reports through `onEvent`.
 */
import type {
  CallOptions,
  ContentPart,
  GenerateResult,
  LanguageModel,
  Message,
  ResponseFormat,
  TextPart,
  ToolCallPart,
} from '../provider/spec.js';
import type { JsonValue, SchemaValidator, Violation } from '../schema/index.js';
import { formatViolations } from '../schema/index.js';
import type { AgentEvent, SubtaskLimitReason } from './agent-event.js';
import { executeToolCalls } from './execute-tool-calls.js';
import { OutputInvalidError } from './output-invalid-error.js';
import { SubtaskLimitError } from './subtask-limit-error.js';
import { checkReply, type OutputSpec } from './subtask-output-check.js';
import { SubtaskPause, type SubtaskProgress } from './subtask-pause.js';
import type { ToolSession } from './tool-session.js';

export const defaultMaxTurns = 8;

export interface SubtaskCall {
  run: string;
  subtask: number;
  model: LanguageModel;
  system: string;
  prompt: string;
  output: OutputSpec;
  /** Sent as native structured output when the subtask has a schema file. */
  responseFormat: ResponseFormat;
  sampling: Pick<CallOptions, 'temperature' | 'topP' | 'maxOutputTokens'>;
  /** How many times a reply that fails validation is sent back for repair. */
  repairAttempts: number;
  validator: SchemaValidator;
  /** The persona's tools; without it (or with no definitions) the model is offered none. */
  tools?: ToolSession;
  /** Model calls per subtask, repair turns included; defaults to 8. */
  maxTurns?: number;
  /** Input plus output tokens the subtask may spend; no limit when undefined. */
  tokenBudget?: number;
  signal?: AbortSignal;
  /** Awaited, so the run log keeps the order of events and a failed write fails the subtask. */
  onEvent?: (event: AgentEvent) => void | Promise<void>;
  clock?: () => Date;
  /** Where a paused subtask stopped (SubtaskPause.progress): the loop goes on from there. */
  resume?: SubtaskProgress;
}

export interface SubtaskAnswer {
  output: JsonValue | string;
  /** The final reply text. */
  text: string;
  turns: number;
  usage: {
    inputTokens: number;
    outputTokens: number;
    cacheReadTokens: number;
    cacheWriteTokens: number;
  };
}

type Usage = SubtaskAnswer['usage'];

export async function runSubtask(call: SubtaskCall): Promise<SubtaskAnswer> {
  const resume = call.resume;
  const messages: Message[] = resume
    ? resume.messages.slice(0, -1)
    : [{ role: 'user', content: [{ type: 'text', text: call.prompt }] }];
  const usage: Usage = resume
    ? { ...resume.usage }
    : { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  let repairs = resume?.repairs ?? 0;
  for (let turn = resume?.turn ?? 1; ; turn++) {
    // A resumed subtask starts with the tool calls of the reply it paused in: no model call.
    const last = turn === resume?.turn ? resume.messages.at(-1) : undefined;
    const pausedReply = last?.role === 'assistant' ? last : undefined;
    const content: Array<TextPart | ToolCallPart> = pausedReply
      ? pausedReply.content
      : await callModel(call, messages, turn).then((result) => {
          addUsage(usage, result);
          return result.content;
        });
    const toolCalls = call.tools ? content.filter(isToolCall) : [];
    if (toolCalls.length > 0 && call.tools) {
      // Checked before the tools run: a write must not happen when no call can follow it.
      if (!pausedReply) await ensureAnotherTurn(call, turn, usage);
      let results: Awaited<ReturnType<typeof executeToolCalls>>;
      try {
        results = await executeToolCalls(toolCalls, call.tools, {
          subtask: call.subtask,
          turn,
          ...(call.signal ? { signal: call.signal } : {}),
          ...(call.onEvent ? { onEvent: call.onEvent } : {}),
          ...(pausedReply && resume ? { done: resume.results } : {}),
        });
      } catch (error) {
        if (SubtaskPause.isPause(error)) {
          error.progress = {
            messages: [...messages, { role: 'assistant', content }],
            turn,
            usage: { ...usage },
            repairs,
            results: error.completed ?? [],
          };
        }
        throw error;
      }
      messages.push({ role: 'assistant', content }, { role: 'tool', content: results });
      continue;
    }
    const text = replyText(content);
    const checked = checkReply(text, call.output, call.validator);
    if (checked.ok) return { output: checked.value, text, turns: turn, usage };
    await call.onEvent?.({
      type: 'output-invalid',
      subtask: call.subtask,
      turn,
      violations: checked.violations,
    });
    if (repairs >= call.repairAttempts)
      throw new OutputInvalidError(call.subtask, checked.violations, text, turn);
    await ensureAnotherTurn(call, turn, usage);
    repairs++;
    messages.push(
      { role: 'assistant', content: [{ type: 'text', text }] },
      {
        role: 'user',
        content: [{ type: 'text', text: repairRequest(checked.violations, call.output.kind) }],
      },
    );
  }
}

async function callModel(
  call: SubtaskCall,
  messages: Message[],
  turn: number,
): Promise<GenerateResult> {
  const now = () => (call.clock ?? (() => new Date()))().getTime();
  const definitions = call.tools?.definitions ?? [];
  const started = now();
  const result = await call.model.doGenerate({
    system: call.system,
    // A copy: the loop goes on appending, the call (and a recording of it) must not change.
    messages: [...messages],
    // Only when there are tools, so tool-less calls key exactly as they always did.
    ...(definitions.length > 0
      ? { tools: definitions, toolChoice: { type: 'auto' as const } }
      : {}),
    responseFormat: call.responseFormat,
    ...call.sampling,
    ...(call.signal ? { abortSignal: call.signal } : {}),
    callLabel: { run: call.run, subtask: call.subtask, turn },
  });
  await call.onEvent?.({
    type: 'model-call',
    subtask: call.subtask,
    turn,
    durationMs: now() - started,
    result,
  });
  return result;
}

/**
 * Ends the subtask when the reply needs another model call that the limits do
 * not allow. A final answer is never thrown away for the tokens it took.
 */
async function ensureAnotherTurn(call: SubtaskCall, turn: number, usage: Usage): Promise<void> {
  const maxTurns = call.maxTurns ?? defaultMaxTurns;
  const spent = usage.inputTokens + usage.outputTokens;
  let limit: { reason: SubtaskLimitReason; limit: number; used: number } | undefined;
  if (turn >= maxTurns) limit = { reason: 'max-turns', limit: maxTurns, used: turn };
  else if (call.tokenBudget !== undefined && spent > call.tokenBudget)
    limit = { reason: 'token-budget', limit: call.tokenBudget, used: spent };
  if (limit === undefined) return;
  await call.onEvent?.({ type: 'subtask-limit', subtask: call.subtask, turn, ...limit });
  throw new SubtaskLimitError(call.subtask, limit.reason, limit.limit, limit.used);
}

function isToolCall(part: ContentPart): part is ToolCallPart {
  return part.type === 'tool-call';
}

function replyText(content: ContentPart[]): string {
  return content
    .filter((part) => part.type === 'text')
    .map((part) => part.text)
    .join('');
}

function repairRequest(violations: Violation[], kind: OutputSpec['kind']): string {
  const what =
    kind === 'json' ? 'the corrected JSON only, no prose' : 'the corrected Markdown only';
  return `Your reply does not match the required output format:\n${formatViolations(violations)}\nReply again with ${what}.`;
}

function addUsage(usage: Usage, result: GenerateResult): void {
  usage.inputTokens += result.usage.inputTokens ?? 0;
  usage.outputTokens += result.usage.outputTokens ?? 0;
  usage.cacheReadTokens += result.usage.cacheReadTokens ?? 0;
  usage.cacheWriteTokens += result.usage.cacheWriteTokens ?? 0;
}
