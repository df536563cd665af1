/**
 * The one error a provider adapter throws for a failed call: the SDK error wrapped
 * once, at the boundary, with what the engine's retry policy needs to decide.
 */
import { WarroomError } from '../errors.js';

const marker = Symbol.for('warroom.provider-call-error');

export interface ProviderCallErrorOptions {
  provider: string;
  modelId: string;
  message: string;
  /** The HTTP status, when the call got that far. */
  statusCode?: number;
  isRetryable: boolean;
  /** From `retry-after` / `retry-after-ms` headers, when the provider sent one. */
  retryAfterMs?: number;
  /** The provider's request id, for support tickets. */
  requestId?: string;
  cause?: unknown;
  subtask?: number;
}

export class ProviderCallError extends WarroomError {
  readonly provider: string;
  readonly modelId: string;
  readonly statusCode: number | undefined;
  readonly isRetryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;
  readonly [marker] = true;

  constructor(options: ProviderCallErrorOptions) {
    super({
      code: options.statusCode === 429 ? 'PROVIDER_RATE_LIMIT' : 'PROVIDER_CALL',
      message: options.message,
      cause: options.cause,
      subtask: options.subtask,
      // Bad or missing credentials are the user's to fix: exit 2, not a run failure.
      userError: options.statusCode === 401 || options.statusCode === 403,
    });
    this.name = 'ProviderCallError';
    this.provider = options.provider;
    this.modelId = options.modelId;
    this.statusCode = options.statusCode;
    this.isRetryable = options.isRetryable;
    this.retryAfterMs = options.retryAfterMs;
    this.requestId = options.requestId;
  }

  /** Works across duplicated installs, unlike instanceof. */
  static override isInstance(value: unknown): value is ProviderCallError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
