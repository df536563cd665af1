/**
 * run_code's input: the JSON Schema advertised to the model and the typed read
 * of an input. The agent loop validates against the schema first; the read
 * checks again for library callers and for what a schema cannot say (sizes in
 * bytes rather than characters).
 */
import type { JsonSchema, JsonValue } from '../../provider/spec.js';
import type { SandboxLanguage } from './launch-command.js';
import type { RunCodeRequest } from './run-code.js';

export const maxCodeBytes = 64 * 1024;
export const maxStdinBytes = 1024 * 1024;
const languages: readonly SandboxLanguage[] = ['python', 'node'];

export function runCodeInputSchema(wallSeconds: number): JsonSchema {
  return {
    type: 'object',
    properties: {
      language: {
        type: 'string',
        enum: [...languages],
        description: 'python (CPython 3, standard library only) or node (CommonJS script).',
      },
      code: {
        type: 'string',
        minLength: 1,
        maxLength: maxCodeBytes,
        description: `The program's source, at most ${maxCodeBytes} bytes.`,
      },
      timeoutSeconds: {
        type: 'number',
        exclusiveMinimum: 0,
        maximum: wallSeconds,
        description: `Wall-clock limit for this call (default and maximum ${wallSeconds}).`,
      },
      stdin: {
        type: 'string',
        maxLength: maxStdinBytes,
        description: 'Fed to the program on standard input (default: empty).',
      },
    },
    required: ['language', 'code'],
    additionalProperties: false,
  };
}

export function parseRunCodeInput(value: JsonValue, wallSeconds: number): RunCodeRequest {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('the input must be a JSON object');
  }
  // Own properties only: a key such as `__proto__` must never reach the prototype.
  const read = (key: string): JsonValue | undefined =>
    Object.hasOwn(value, key) ? value[key] : undefined;
  for (const key of Object.keys(value)) {
    if (!['language', 'code', 'timeoutSeconds', 'stdin'].includes(key)) {
      throw new Error(`unknown input field ${JSON.stringify(key)}`);
    }
  }
  const language = languages.find((candidate) => candidate === read('language'));
  if (language === undefined) throw new Error(`language must be one of ${languages.join(', ')}`);
  const code = read('code');
  if (typeof code !== 'string' || code === '') throw new Error('code must be a non-empty string');
  if (Buffer.byteLength(code) > maxCodeBytes) {
    throw new Error(`code is longer than ${maxCodeBytes} bytes`);
  }
  const request: RunCodeRequest = { language, code };
  const stdin = read('stdin');
  if (stdin !== undefined && stdin !== null) {
    if (typeof stdin !== 'string') throw new Error('stdin must be a string');
    if (Buffer.byteLength(stdin) > maxStdinBytes) {
      throw new Error(`stdin is longer than ${maxStdinBytes} bytes`);
    }
    request.stdin = stdin;
  }
  const timeout = read('timeoutSeconds');
  if (timeout !== undefined && timeout !== null) {
    if (typeof timeout !== 'number' || !(timeout > 0) || timeout > wallSeconds) {
      throw new Error(`timeoutSeconds must be a number above 0 and at most ${wallSeconds}`);
    }
    request.timeoutSeconds = timeout;
  }
  return request;
}
