/**
 * The loop for one subtask: messages ↔ model, then output extraction and
 * validation, with repair turns that re-ask the model with the exact
 * violations. Knows nothing of the DAG or the CLI; reports through `onEvent`.
 */
import { WarroomError } from '../errors.js';
import type {
  CallOptions,
  GenerateResult,
  LanguageModel,
  Message,
  ResponseFormat,
} from '../provider/spec.js';
import type { JsonValue, SchemaValidator, Violation } from '../schema/index.js';
import { formatViolations } from '../schema/index.js';
import { type CheckedOutput, checkReply, type OutputSpec } from './subtask-output-check.js';

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
  signal?: AbortSignal;
  /** Awaited, so the run log keeps the order of events and a failed write fails the subtask. */
  onEvent?: (event: AgentEvent) => void | Promise<void>;
  clock?: () => Date;
}

export type AgentEvent =
  | {
      type: 'model-call';
      subtask: number;
      turn: number;
      durationMs: number;
      result: GenerateResult;
    }
  | { type: 'output-invalid'; subtask: number; turn: number; violations: Violation[] };

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

export class OutputInvalidError extends WarroomError {
  constructor(
    subtask: number,
    readonly violations: Violation[],
    readonly text: string,
    turns: number,
  ) {
    super({
      code: 'OUTPUT_INVALID',
      subtask,
      message: `subtask ${subtask}: the model's output is still invalid after ${turns} turn(s):\n${formatViolations(violations)}`,
    });
  }
}

function replyText(result: GenerateResult): string {
  return result.content
    .filter((part) => part.type === 'text')
    .map((part) => part.text)
    .join('');
}

function repairRequest(violations: Violation[], kind: OutputSpec['kind']): string {
  const what =
    kind === 'json' ? 'the corrected JSON only, no prose' : 'the corrected Markdown only';
  return `Your reply does not match the required output format:\n${formatViolations(violations)}\nReply again with ${what}.`;
}

export async function runSubtask(call: SubtaskCall): Promise<SubtaskAnswer> {
  const messages: Message[] = [{ role: 'user', content: [{ type: 'text', text: call.prompt }] }];
  const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  for (let turn = 1; ; turn++) {
    const now = () => (call.clock ?? (() => new Date()))().getTime();
    const started = now();
    const result = await call.model.doGenerate({
      system: call.system,
      messages,
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
    addUsage(usage, result);
    const text = replyText(result);
    const checked: CheckedOutput = checkReply(text, call.output, call.validator);
    if (checked.ok) return { output: checked.value, text, turns: turn, usage };
    await call.onEvent?.({
      type: 'output-invalid',
      subtask: call.subtask,
      turn,
      violations: checked.violations,
    });
    if (turn > call.repairAttempts)
      throw new OutputInvalidError(call.subtask, checked.violations, text, turn);
    messages.push(
      { role: 'assistant', content: [{ type: 'text', text }] },
      {
        role: 'user',
        content: [{ type: 'text', text: repairRequest(checked.violations, call.output.kind) }],
      },
    );
  }
}

function addUsage(usage: SubtaskAnswer['usage'], result: GenerateResult): void {
  usage.inputTokens += result.usage.inputTokens ?? 0;
  usage.outputTokens += result.usage.outputTokens ?? 0;
  usage.cacheReadTokens += result.usage.cacheReadTokens ?? 0;
  usage.cacheWriteTokens += result.usage.cacheWriteTokens ?? 0;
}
