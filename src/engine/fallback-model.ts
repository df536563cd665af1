/**
 * Provider fallback: a LanguageModel that calls its primary and, when that fails
 * with a provider outage, makes the same call on the next fallback model, and so
 * on. Each model given here is already behind the retry policy (withResilience),
 * so a fallback happens only once the primary's retries are spent — or at once,
 * when its provider's circuit is open. The switch is sticky: a subtask that fell
 * back stays on the fallback for its remaining turns (tool loop, repairs), so one
 * conversation is not spread over models that disagree.
 *
 * The call options pass through unchanged: a fallback gets exactly the request the
 * primary got, and the primary's request (its fixture key) is the same with or
 * without fallbacks configured.
 */
import { WarroomError } from '../errors.js';
import { ProviderCallError } from '../provider/errors.js';
import type {
  CallOptions,
  GenerateResult,
  LanguageModel,
  ModelTarget,
  StreamPart,
} from '../provider/spec.js';
import { CircuitOpenError } from './circuit-breaker.js';

export interface FallbackNotice {
  /** The turn of the subtask whose call failed over, from its call label. */
  turn?: number;
  /** `provider/model-id` of the model that failed, and of the one tried next. */
  from: string;
  to: string;
  reason: string;
}

export interface FallbackOptions {
  onFallback?: (notice: FallbackNotice) => void | Promise<void>;
  /** Whether an error of one model lets the next one try; `isProviderOutage` by default. */
  shouldFallBack?: (error: unknown) => boolean;
  /**
   * The model to start on (an index into primary, then fallbacks): a subtask resumed
   * after a pause goes on with the model its conversation was on.
   */
  startAt?: number;
}

/**
 * Errors that say the provider, not the request, is the problem: a fallback helps.
 *
 * - Retryable failures (429, 5xx, Anthropic's 529, timeouts, dropped streams) once the
 *   retry policy gave up on them, and a `retry-after` longer than the policy waits.
 * - A circuit that is open: the provider kept failing and is not called for a while.
 * - A 429 that retrying cannot clear (a spent budget, an empty balance): the provider
 *   is as unusable to the responder as if it were down, and another one is paid for
 *   separately.
 * - A fixture miss under playback: a run recorded while its primary was down has
 *   recordings only for the fallback, and replays only by failing over the same way.
 *   The fallback's call still has to match a recording, so drift is not hidden.
 *
 * Not: aborts and run budgets (the run is stopping), 400s (the same request is wrong
 * for any model), 404s (a wrong model id or base URL), and 401/403: a bad or missing
 * key is a configuration mistake that must fail loudly now, not hide behind a second
 * provider until that one's key is wrong too.
 */
export function isProviderOutage(error: unknown): boolean {
  if (CircuitOpenError.isInstance(error)) return true;
  if (WarroomError.isInstance(error) && error.code === 'FIXTURE_MISS') return true;
  const providerError = providerCallErrorIn(error);
  if (providerError === undefined) return false;
  return providerError.isRetryable || providerError.statusCode === 429;
}

/** The error itself, or the provider error the retry policy wrapped ("gave up after N attempts"). */
function providerCallErrorIn(error: unknown): ProviderCallError | undefined {
  let current = error;
  for (let depth = 0; depth < 3 && current !== undefined; depth++) {
    if (ProviderCallError.isInstance(current)) return current;
    if (!WarroomError.isInstance(current)) return undefined;
    current = current.cause;
  }
  return undefined;
}

/** A model and the target it answers for (under playback the model's own provider is `replay`). */
export interface TargetedModel {
  model: LanguageModel;
  target: ModelTarget;
}

/**
 * The primary with its fallbacks, tried in order. `provider` and `modelId` name the
 * target in use: the primary's until a switch, then the fallback's that took over.
 */
export function withFallback(
  primary: TargetedModel,
  fallbacks: readonly TargetedModel[],
  options: FallbackOptions = {},
): LanguageModel {
  const models = [primary, ...fallbacks];
  const shouldFallBack = options.shouldFallBack ?? isProviderOutage;
  let active = Math.max(0, Math.min(options.startAt ?? 0, models.length - 1));
  /** The models left behind, and why: a later failure names them too. */
  const abandoned: Failure[] = [];

  /** Moves on to the next model, or throws when there is none or the error is not an outage. */
  const failOver = async (call: CallOptions, error: unknown) => {
    const failed: Failure = { model: nameOf(models[active] as TargetedModel), error };
    // A run being cancelled (or out of budget) does not start on another model.
    const stopping = call.abortSignal?.aborted === true;
    if (stopping || active === models.length - 1 || !shouldFallBack(error)) {
      throw abandoned.length > 0 ? everyModelFailed([...abandoned, failed]) : error;
    }
    abandoned.push(failed);
    active++;
    await options.onFallback?.({
      ...(call.callLabel ? { turn: call.callLabel.turn } : {}),
      from: failed.model,
      to: nameOf(models[active] as TargetedModel),
      reason: firstLine(error),
    });
  };

  return {
    specificationVersion: 'v1',
    get provider() {
      return (models[active] as TargetedModel).target.provider;
    },
    get modelId() {
      return (models[active] as TargetedModel).target.modelId;
    },
    async doGenerate(call): Promise<GenerateResult> {
      for (;;) {
        try {
          return await (models[active] as TargetedModel).model.doGenerate(call);
        } catch (error) {
          await failOver(call, error);
        }
      }
    },
    async *doStream(call): AsyncIterable<StreamPart> {
      for (;;) {
        let started = false;
        try {
          for await (const part of (models[active] as TargetedModel).model.doStream(call)) {
            started = true;
            yield part;
          }
          return;
        } catch (error) {
          // Parts already passed on cannot be taken back: only a stream that never started fails over.
          if (started) throw error;
          await failOver(call, error);
        }
      }
    },
  };
}

interface Failure {
  model: string;
  error: unknown;
}

function nameOf({ target }: TargetedModel): string {
  return `${target.provider}/${target.modelId}`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/**
 * One message naming every model tried and why each failed; the code, the user-error
 * flag and the cause are the last failure's. An abort stays an abort.
 */
function everyModelFailed(failures: Failure[]): unknown {
  const last = failures.at(-1) as Failure;
  if (!WarroomError.isInstance(last.error)) return last.error;
  const [first, ...rest] = failures as [Failure, ...Failure[]];
  const message = [
    `${first.model} failed: ${firstLine(first.error)}`,
    ...rest.map(
      (failure) => `its fallback ${failure.model} failed too: ${firstLine(failure.error)}`,
    ),
  ].join('; ');
  return new WarroomError({
    code: last.error.code,
    message,
    cause: last.error,
    userError: last.error.userError,
    ...(last.error.context.subtask !== undefined ? { subtask: last.error.context.subtask } : {}),
  });
}
