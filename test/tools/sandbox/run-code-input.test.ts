import { describe, expect, test } from 'vitest';
import {
  createSandboxTools,
  maxCodeBytes,
  parseRunCodeInput,
  runCodeInputSchema,
} from '../../../src/tools/sandbox/index.js';

describe('run_code input', () => {
  test('advertises the configured wall limit as the timeout maximum', () => {
    const [tool] = createSandboxTools({ wallSeconds: 7 });
    expect(tool?.name).toBe('run_code');
    expect(tool?.effect).toBe('read');
    expect(tool?.inputSchema).toEqual(runCodeInputSchema(7));
    expect(runCodeInputSchema(7)).toMatchObject({
      required: ['language', 'code'],
      additionalProperties: false,
      properties: { timeoutSeconds: { maximum: 7 } },
    });
  });

  test('reads a valid input', () => {
    expect(
      parseRunCodeInput({ language: 'node', code: '1', stdin: 'x', timeoutSeconds: 2 }, 5),
    ).toEqual({ language: 'node', code: '1', stdin: 'x', timeoutSeconds: 2 });
  });

  test('rejects code over 64 KiB counted in bytes, not characters', () => {
    const code = 'é'.repeat(maxCodeBytes / 2 + 1);
    expect(() => parseRunCodeInput({ language: 'python', code }, 5)).toThrow(/longer than 65536/);
  });

  test('rejects a timeout above the configured wall limit', () => {
    expect(() =>
      parseRunCodeInput({ language: 'python', code: 'pass', timeoutSeconds: 6 }, 5),
    ).toThrow(/at most 5/);
  });

  test('rejects unknown languages and fields, including __proto__', () => {
    expect(() => parseRunCodeInput({ language: 'bash', code: 'ls' }, 5)).toThrow(/language/);
    const polluted = JSON.parse('{"language":"python","code":"pass","__proto__":{"x":1}}');
    expect(() => parseRunCodeInput(polluted, 5)).toThrow(/unknown input field "__proto__"/);
  });
});
