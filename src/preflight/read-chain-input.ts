/** `--input <file | inline JSON>` → the chain input, with line and column for bad JSON. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WarroomError } from '../errors.js';
import { parseJson } from '../schema/index.js';
import type { ChainInput } from './chain-input.js';

export const inlineInputName = '<inline input>';

/** A relative file is read from `cwd` (default: the process's), and named as given. */
export async function readChainInput(spec: string, cwd?: string): Promise<ChainInput> {
  const inline = /^\s*[[{]/.test(spec);
  const file = inline ? inlineInputName : spec;
  let text = spec;
  if (!inline) {
    try {
      text = await readFile(resolve(cwd ?? '', spec), 'utf8');
    } catch (cause) {
      const reason =
        (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(cause);
      throw new WarroomError({
        code: 'INPUT_INVALID',
        message: `cannot read input file ${spec}: ${reason}`,
        cause,
        userError: true,
      });
    }
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    throw new WarroomError({
      code: 'INPUT_INVALID',
      message: `input is not valid JSON: ${parsed.message} (line ${parsed.line}, column ${parsed.column})`,
      file,
      line: parsed.line,
      userError: true,
    });
  }
  return { value: parsed.value, file, text, line: 1 };
}
