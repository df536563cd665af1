/**
 * Finds the `OUTPUT FORMAT (JSON):` / `OUTPUT FORMAT (Markdown):` label inside a
 * prompt and the example that follows it.
 */
import type { OutputFormat, OutputKind, SourceText } from './chain.js';
import { parseFence } from './prompt-blocks.js';

const labelPattern = /OUTPUT\s+FORMAT\s*\(\s*(JSON|Markdown|Text)\s*\)\s*:?/i;

export function findOutputFormat(prompt: SourceText): OutputFormat {
  const lines = prompt.text.split('\n');
  const labelIndex = lines.findIndex((line) => labelPattern.test(line));
  if (labelIndex < 0) return { kind: 'text', line: prompt.line };
  const kindWord = (labelPattern.exec(lines[labelIndex] ?? '')?.[1] ?? 'text').toLowerCase();
  const kind = kindWord as OutputKind;
  const line = prompt.line + labelIndex;
  const example = readExample(lines, labelIndex + 1, prompt.line);
  return example ? { kind, line, example } : { kind, line };
}

function readExample(lines: string[], start: number, firstLine: number): SourceText | undefined {
  let index = start;
  while (index < lines.length && (lines[index] ?? '').trim() === '') index++;
  if (index >= lines.length) return undefined;
  const opener = parseFence(lines[index] ?? '');
  if (!opener) {
    // An unfenced example runs to the end of the prompt; JSON extraction finds it.
    return { text: lines.slice(index).join('\n'), line: firstLine + index };
  }
  let depth = 1;
  for (let end = index + 1; end < lines.length; end++) {
    const fence = parseFence(lines[end] ?? '');
    if (!fence) continue;
    if (fence.info !== '') depth++;
    else if (--depth === 0) {
      return { text: lines.slice(index + 1, end).join('\n'), line: firstLine + index + 1 };
    }
  }
  return { text: lines.slice(index + 1).join('\n'), line: firstLine + index + 1 };
}
