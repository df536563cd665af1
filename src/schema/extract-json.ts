import type { JsonValue } from './json-value.js';
import { type ParseJsonResult, parseJson } from './parse-json.js';

export type ExtractJsonResult =
  | { ok: true; value: JsonValue; form: 'bare' | 'fenced' | 'embedded' }
  | { ok: false; message: string };

type ParseFailure = Extract<ParseJsonResult, { ok: false }>;

interface FencedBlock {
  info: string;
  body: string;
}

// Each candidate span is scanned afresh (prose quotes make one shared pass unreliable),
// so stray brackets cost quadratic time; this many characters is ~50 ms, then give up.
const proseScanBudget = 2_000_000;

const fenceOpening = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/;

/** Fenced code blocks in CommonMark's line-based sense; an unclosed block runs to the end. */
export function fencedBlocks(text: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let open: { fence: string; info: string; lines: string[] } | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (open === undefined) {
      const match = fenceOpening.exec(line);
      if (match?.[1] !== undefined) open = { fence: match[1], info: match[2] ?? '', lines: [] };
    } else if (closesFence(line, open.fence)) {
      blocks.push({ info: open.info, body: open.lines.join('\n') });
      open = undefined;
    } else {
      open.lines.push(line);
    }
  }
  if (open !== undefined) blocks.push({ info: open.info, body: open.lines.join('\n') });
  return blocks;
}

function closesFence(line: string, fence: string): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
  const closer = match?.[1];
  return closer !== undefined && closer[0] === fence[0] && closer.length >= fence.length;
}

/**
 * Scans the bracketed span opening at `start`, tracking strings and escapes so a `}`
 * inside a string does not close it. `stop` is just past the last character read:
 * the span's end when balanced, else where a mismatch or the text's end stopped it.
 */
export function scanBracketedSpan(
  text: string,
  start: number,
): { stop: number; balanced: boolean } {
  const closers: string[] = [];
  let inString = false;
  for (let index = start; index < text.length; index += 1) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index += 1;
      else if (character === '"') inString = false;
    } else if (character === '"') {
      inString = true;
    } else if (character === '{' || character === '[') {
      closers.push(character === '{' ? '}' : ']');
    } else if (character === '}' || character === ']') {
      if (closers.pop() !== character) return { stop: index + 1, balanced: false };
      if (closers.length === 0) return { stop: index + 1, balanced: true };
    }
  }
  return { stop: text.length, balanced: false };
}

function describeFailure(failure: ParseFailure): string {
  return `line ${failure.line}, column ${failure.column}: ${failure.message}`;
}

function fromFences(text: string): ExtractJsonResult | ParseFailure[] {
  const blocks = fencedBlocks(text);
  const tagged = blocks.filter((block) => block.info.toLowerCase() === 'json');
  const untagged = blocks.filter((block) => block.info === '');
  const failures: ParseFailure[] = [];
  for (const block of [...tagged, ...untagged]) {
    const parsed = parseJson(block.body);
    if (parsed.ok) return { ok: true, value: parsed.value, form: 'fenced' };
    failures.push(parsed);
  }
  return failures;
}

interface ProseFailures {
  failures: ParseFailure[];
  gaveUp: boolean;
}

function fromProse(text: string): ExtractJsonResult | ProseFailures {
  const failures: ParseFailure[] = [];
  const opener = /[{[]/g;
  let scanned = 0;
  for (let match = opener.exec(text); match !== null; match = opener.exec(text)) {
    if (scanned > proseScanBudget) return { failures, gaveUp: true };
    const span = scanBracketedSpan(text, match.index);
    scanned += span.stop - match.index;
    if (!span.balanced) continue;
    const parsed = parseJson(text.slice(match.index, span.stop));
    if (parsed.ok) return { ok: true, value: parsed.value, form: 'embedded' };
    failures.push(parsed);
    // A balanced span that is not JSON (`{curly}`, or JSON with a typo) is skipped
    // whole: a fragment nested inside broken JSON is not the answer.
    opener.lastIndex = span.stop;
  }
  return { failures, gaveUp: false };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function failedAttempts(failures: ParseFailure[], noun: string, place = ''): string {
  const first = failures[0] as ParseFailure;
  return `${plural(failures.length, noun)}${place} did not parse (first: ${describeFailure(first)})`;
}

function failureMessage(
  bare: ParseFailure | undefined,
  fenced: ParseFailure[],
  prose: ProseFailures,
): string {
  const parts: string[] = [];
  if (bare !== undefined) parts.push(`the whole reply is not JSON (${describeFailure(bare)})`);
  parts.push(
    fenced.length > 0
      ? failedAttempts(fenced, 'fenced block')
      : 'no ```json or bare ``` fenced block',
  );
  parts.push(
    prose.failures.length > 0
      ? failedAttempts(prose.failures, 'bracketed span', ' in the prose')
      : 'no balanced {...} or [...] span in the prose',
  );
  if (prose.gaveUp) parts.push('gave up scanning the prose: too many unbalanced brackets');
  return `no JSON found: ${parts.join('; ')}`;
}

/**
 * JSON from a model reply: the whole reply, else a fenced block (json-tagged first,
 * then untagged; the first that parses), else the first balanced `{...}` or `[...]`
 * span in the prose that parses. The failure message is one line saying what was
 * tried, fit for a log line or a repair prompt.
 */
export function extractJson(text: string): ExtractJsonResult {
  const trimmed = text.trim();
  const whole = parseJson(trimmed);
  if (whole.ok) return { ok: true, value: whole.value, form: 'bare' };
  const fenced = fromFences(text);
  if (!Array.isArray(fenced)) return fenced;
  const embedded = fromProse(text);
  if ('ok' in embedded) return embedded;
  // The whole-reply error only helps when the reply looked like JSON to begin with.
  const bare = /^[{[]/.test(trimmed) ? whole : undefined;
  return { ok: false, message: failureMessage(bare, fenced, embedded) };
}
