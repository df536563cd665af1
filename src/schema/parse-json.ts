import type { JsonValue } from './json-value.js';
import { locateJsonError } from './locate-json-error.js';

export type ParseJsonResult =
  | { ok: true; value: JsonValue }
  | { ok: false; message: string; line: number; column: number };

/** 1-based line and column of an offset; `\r\n` counts as one line break. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let index = 0; index < end; index += 1) {
    if (text[index] === '\n') {
      line += 1;
      lineStart = index + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Where the error is. V8 words this differently across Node versions: "at position
 * N", "(line L column C)", or nothing at all, so the scan is the last resort.
 */
export function errorLocation(text: string, message: string): { line: number; column: number } {
  const position = /at position (\d+)/.exec(message);
  const lineColumn = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lineColumn && !position)
    return { line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const offset = /Unexpected end of JSON input/i.test(message)
    ? text.length
    : position
      ? Number(position[1])
      : locateJsonError(text);
  // Text that ends too early is reported where the content stops, not on a
  // trailing blank line the author never thinks of as part of the document.
  return lineColumnAt(text, Math.min(offset, text.trimEnd().length));
}

/** The engine's words without the location (reported separately) or V8's echo of the text. */
function cleanMessage(message: string): string {
  return message
    .replace(/, (?:\.\.\.)?".*is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/ \(line \d+ column \d+\)/, '')
    .trim();
}

/**
 * The one place JSON text is parsed. Returns a result instead of throwing, with the
 * error's line and column so a Diagnostic or a repair prompt can point at it.
 */
export function parseJson(text: string): ParseJsonResult {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(source) as JsonValue };
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return {
      ok: false,
      message: cleanMessage(error.message),
      ...errorLocation(source, error.message),
    };
  }
}
