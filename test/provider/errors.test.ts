import { describe, expect, it } from 'vitest';
import { WarroomError } from '../../src/errors.js';
import { ProviderCallError } from '../../src/provider/index.js';

const base = { provider: 'anthropic', modelId: 'claude-sonnet-4-5', message: 'failed' };

describe('ProviderCallError', () => {
  it('uses PROVIDER_RATE_LIMIT for 429 so the engine can back off', () => {
    const error = new ProviderCallError({
      ...base,
      statusCode: 429,
      isRetryable: true,
      retryAfterMs: 2000,
    });
    expect(error.code).toBe('PROVIDER_RATE_LIMIT');
    expect(error.retryAfterMs).toBe(2000);
  });

  it('uses PROVIDER_CALL otherwise and keeps the SDK error as cause', () => {
    const cause = new Error('socket hang up');
    const error = new ProviderCallError({
      ...base,
      statusCode: 500,
      isRetryable: true,
      requestId: 'req_1',
      cause,
    });
    expect([error.code, error.statusCode, error.requestId, error.cause]).toEqual([
      'PROVIDER_CALL',
      500,
      'req_1',
      cause,
    ]);
    expect(error.userError).toBe(false);
  });

  it('treats bad credentials (401) as a user error', () => {
    expect(new ProviderCallError({ ...base, statusCode: 401, isRetryable: false }).userError).toBe(
      true,
    );
  });

  it('is recognisable by marker, as a WarroomError and as itself', () => {
    const error = new ProviderCallError({ ...base, isRetryable: false });
    expect(WarroomError.isInstance(error)).toBe(true);
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(ProviderCallError.isInstance(new WarroomError({ code: 'USAGE', message: 'x' }))).toBe(
      false,
    );
    expect(error.name).toBe('ProviderCallError');
  });
});
