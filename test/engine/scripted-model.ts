/**
 * A scripted model provider for engine tests. It records every call (target and
 * options, call label included) and lets the test decide when each call settles:
 * the script answers a call at once, or leaves it held until the test calls
 * `reply`/`fail` on it. `callFor` waits for a call to arrive, so tests observe
 * concurrency through deferred promises, never sleeps. A held call rejects with
 * an AbortError when its signal aborts, as a network adapter would.
 */
import type {
  CallOptions,
  GenerateResult,
  LanguageModel,
  ModelProvider,
  ModelTarget,
  StreamPart,
} from '../../src/provider/index.js';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

export interface ScriptedCall {
  target: ModelTarget;
  options: CallOptions;
  subtask: number;
  turn: number;
  /** Settles the call with a text reply (or a full result). */
  reply(answer: string | GenerateResult): void;
  fail(error: unknown): void;
  /** Settles when the call has been answered or failed. */
  settled: Promise<void>;
  /** True once `reply` or `fail` (or an abort) has settled the call. */
  isSettled(): boolean;
}

/** Answers a call at once, or returns undefined to hold it for the test. */
export type Script = (call: ScriptedCall) => string | GenerateResult | undefined;

export interface ScriptedModel extends ModelProvider {
  readonly calls: ScriptedCall[];
  /** Resolves with the call for that subtask and turn once it has been made. */
  callFor(subtask: number, turn?: number): Promise<ScriptedCall>;
}

export function textResult(text: string, usage = { inputTokens: 100, outputTokens: 20 }) {
  const result: GenerateResult = {
    content: [{ type: 'text', text }],
    finishReason: { unified: 'stop', raw: 'end_turn' },
    usage,
    warnings: [],
    response: { id: 'msg_scripted' },
  };
  return result;
}

export function createScriptedModel(id: string, script: Script = () => undefined): ScriptedModel {
  const calls: ScriptedCall[] = [];
  const waiters: Array<{ subtask: number; turn: number; found: Deferred<ScriptedCall> }> = [];

  const generate = (target: ModelTarget, options: CallOptions): Promise<GenerateResult> => {
    const answer = deferred<GenerateResult>();
    let done = false;
    const settle =
      <T>(work: (value: T) => void) =>
      (value: T) => {
        done = true;
        work(value);
      };
    const settled = answer.promise.then(
      () => undefined,
      () => undefined,
    );
    const call: ScriptedCall = {
      target,
      options,
      subtask: options.callLabel?.subtask ?? 0,
      turn: options.callLabel?.turn ?? 0,
      reply: settle((reply: string | GenerateResult) =>
        answer.resolve(typeof reply === 'string' ? textResult(reply) : reply),
      ),
      fail: settle((error: unknown) => answer.reject(error)),
      settled,
      isSettled: () => done,
    };
    calls.push(call);
    const signal = options.abortSignal;
    const onAbort = () => call.fail(new DOMException('The call was aborted.', 'AbortError'));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    void settled.then(() => signal?.removeEventListener('abort', onAbort));
    for (const waiter of waiters.filter((w) => w.subtask === call.subtask)) {
      if (waiter.turn === call.turn) waiter.found.resolve(call);
    }
    const scripted = script(call);
    if (scripted !== undefined) call.reply(scripted);
    return answer.promise;
  };

  return {
    specificationVersion: 'v1',
    id,
    calls,
    callFor(subtask, turn = 1) {
      const made = calls.find((call) => call.subtask === subtask && call.turn === turn);
      if (made) return Promise.resolve(made);
      const found = deferred<ScriptedCall>();
      waiters.push({ subtask, turn, found });
      return found.promise;
    },
    languageModel(target: ModelTarget): LanguageModel {
      return {
        specificationVersion: 'v1',
        provider: id,
        modelId: target.modelId,
        doGenerate: (options) => generate(target, options),
        async *doStream(options): AsyncGenerator<StreamPart> {
          yield { type: 'finish', result: await generate(target, options) };
        },
      };
    },
  };
}

/** A reply that calls tools: `[name, input, toolCallId]` each, in order. */
export function toolCallResult(...calls: Array<[string, unknown, string]>): GenerateResult {
  return {
    content: calls.map(([toolName, input, toolCallId]) => ({
      type: 'tool-call' as const,
      toolCallId,
      toolName,
      input: JSON.stringify(input),
    })),
    finishReason: { unified: 'tool-calls', raw: 'tool_use' },
    usage: { inputTokens: 50, outputTokens: 10 },
    warnings: [],
    response: {},
  };
}

/** The text of the last user message of a call: the prompt, or a repair request. */
export function lastUserText(call: ScriptedCall): string {
  const user = call.options.messages.filter((message) => message.role === 'user').at(-1);
  return user ? user.content.map((part) => part.text).join('') : '';
}
