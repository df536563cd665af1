/**
 * A circuit breaker per provider: after `failures` calls in a row fail with a
 * provider error, the provider is not called for `cooldownMs` — every call fails
 * fast with a clear message instead of hammering a provider that is down (and
 * instead of each subtask spending its own retries on it). After the cooldown one
 * trial call goes through; its success closes the circuit, its failure reopens it.
 */
import { ProviderCallError } from '../provider/errors.js';
import type {
  CallOptions,
  GenerateResult,
  LanguageModel,
  ModelProvider,
  StreamPart,
} from '../provider/spec.js';

export interface CircuitBreakerOptions {
  failures: number;
  cooldownMs: number;
  now?: () => number;
}

export const defaultCircuitBreaker: CircuitBreakerOptions = { failures: 5, cooldownMs: 30_000 };

const circuitOpenMarker = Symbol.for('warroom.circuit-open-error');

/** A call refused because its provider's circuit is open: nothing was sent (a fallback may take it). */
export class CircuitOpenError extends ProviderCallError {
  readonly [circuitOpenMarker] = true;

  static override isInstance(value: unknown): value is CircuitOpenError {
    return typeof value === 'object' && value !== null && circuitOpenMarker in value;
  }
}

export class ProviderCircuit {
  private consecutive = 0;
  private openedAt: number | undefined;
  private trialRunning = false;

  constructor(
    readonly provider: string,
    private readonly options: CircuitBreakerOptions,
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Throws when the circuit is open; otherwise lets the call through (as the trial, after a cooldown). */
  enter(modelId: string, call: CallOptions): void {
    if (this.openedAt === undefined) return;
    const waited = this.now() - this.openedAt;
    if (waited >= this.options.cooldownMs && !this.trialRunning) {
      this.trialRunning = true;
      return;
    }
    const seconds = Math.ceil(
      (this.options.cooldownMs - Math.min(waited, this.options.cooldownMs)) / 1000,
    );
    throw new CircuitOpenError({
      provider: this.provider,
      modelId,
      message: `${this.provider} failed ${this.consecutive} calls in a row: not calling it for ${seconds} s more (circuit open); check the provider's status, or switch --provider`,
      isRetryable: false,
      ...(call.callLabel ? { subtask: call.callLabel.subtask } : {}),
    });
  }

  succeeded(): void {
    this.consecutive = 0;
    this.openedAt = undefined;
    this.trialRunning = false;
  }

  failed(error: unknown): void {
    // Only the provider's own failures count: an abort or a bad request is not an outage.
    if (!ProviderCallError.isInstance(error) || !error.isRetryable) {
      this.trialRunning = false;
      return;
    }
    this.consecutive++;
    if (this.trialRunning || this.consecutive >= this.options.failures) this.openedAt = this.now();
    this.trialRunning = false;
  }
}

function guardModel(model: LanguageModel, circuit: ProviderCircuit): LanguageModel {
  return {
    specificationVersion: 'v1',
    provider: model.provider,
    modelId: model.modelId,
    async doGenerate(call): Promise<GenerateResult> {
      circuit.enter(model.modelId, call);
      try {
        const result = await model.doGenerate(call);
        circuit.succeeded();
        return result;
      } catch (error) {
        circuit.failed(error);
        throw error;
      }
    },
    async *doStream(call): AsyncIterable<StreamPart> {
      circuit.enter(model.modelId, call);
      try {
        for await (const part of model.doStream(call)) {
          if (part.type === 'finish') circuit.succeeded();
          yield part;
        }
      } catch (error) {
        circuit.failed(error);
        throw error;
      }
    },
  };
}

/** A provider whose models share one circuit. */
export function withCircuitBreaker(
  provider: ModelProvider,
  options: CircuitBreakerOptions = defaultCircuitBreaker,
): ModelProvider {
  const circuit = new ProviderCircuit(provider.id, options);
  return {
    specificationVersion: 'v1',
    id: provider.id,
    languageModel: (target) => guardModel(provider.languageModel(target), circuit),
    ...(provider.checkConfiguration
      ? { checkConfiguration: () => provider.checkConfiguration?.() ?? { ok: true } }
      : {}),
  };
}
