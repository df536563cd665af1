/**
 * Plays a finished result back as a stream, for providers that answer from disk:
 * text as a few deltas (so consumers exercise their joining), tool calls whole,
 * then `finish` with the complete result.
 */
import { throwIfAborted } from './abort.js';
import type { GenerateResult, StreamPart } from './spec.js';

const deltasPerText = 3;

export async function* streamResult(
  result: GenerateResult,
  signal: AbortSignal | undefined,
): AsyncGenerator<StreamPart> {
  for (const part of result.content) {
    if (part.type === 'tool-call') {
      throwIfAborted(signal);
      yield { type: 'tool-call', toolCall: part };
      continue;
    }
    for (const delta of splitText(part.text, deltasPerText)) {
      throwIfAborted(signal);
      yield { type: 'text-delta', delta };
    }
  }
  throwIfAborted(signal);
  yield { type: 'finish', result };
}

/** Splits at spaces near even intervals, never inside a surrogate pair. */
export function splitText(text: string, count: number): string[] {
  const characters = Array.from(text);
  const size = Math.max(1, Math.ceil(characters.length / count));
  const chunks: string[] = [];
  for (let start = 0; start < characters.length; ) {
    let end = Math.min(characters.length, start + size);
    const space = characters.indexOf(' ', end);
    if (space !== -1 && space - end < size / 2) end = space + 1;
    chunks.push(characters.slice(start, end).join(''));
    start = end;
  }
  return chunks;
}
