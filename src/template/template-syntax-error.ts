/**
 * Handlebars' syntax errors as one-line TEMPLATE_PARSE errors. Its parser reports a multi-line
 * excerpt; and for an unclosed block it points at the end of the template, which in a long
 * prompt is far from the mistake, so the opening tag is located instead.
 */
import type { WarroomError } from '../errors.js';
import type { TemplateLocation } from './template.js';
import { templateError } from './template-error.js';

interface OpenBlock {
  name: string;
  line: number;
}

export function templateSyntaxError(
  error: unknown,
  source: string,
  location: TemplateLocation,
): WarroomError {
  const text = error instanceof Error ? error.message : String(error);
  const unclosed = text.includes("got 'EOF'") ? findUnclosedBlock(source) : undefined;
  if (unclosed !== undefined) {
    const message = `{{#${unclosed.name}}} is never closed; add {{/${unclosed.name}}}`;
    return templateError('TEMPLATE_PARSE', location, unclosed.line, message, { cause: error });
  }
  const message = `invalid template syntax: ${summarize(text)}`;
  return templateError('TEMPLATE_PARSE', location, errorLine(error, text), message, {
    cause: error,
  });
}

/** The line inside the template: Handlebars' Exception carries it; the parser only says it. */
function errorLine(error: unknown, text: string): number {
  if (typeof error === 'object' && error !== null && 'lineNumber' in error) {
    const { lineNumber } = error;
    if (typeof lineNumber === 'number') return lineNumber;
  }
  const match = /on line (\d+)/.exec(text);
  return match?.[1] === undefined ? 1 : Number(match[1]);
}

/** Parser token names worth translating; others are shown as Handlebars names them. */
const tokenNames = new Map([
  ['EOF', 'end of template'],
  ['INVALID', 'character'],
  ['INVERSE', '{{else}}'],
  ['OPEN_INVERSE_CHAIN', '{{else …}}'],
  ['OPEN_ENDBLOCK', '{{/…}}'],
  ['CLOSE', '}}'],
  ['CLOSE_UNESCAPED', '}}}'],
  ['CLOSE_SEXPR', ')'],
  ['OPEN_SEXPR', '('],
]);

function describeToken(token: string): string {
  return tokenNames.get(token) ?? token;
}

/**
 * "Parse error on line 3:\n<excerpt>\n---^\nExpecting 'ID', got 'EOF'" → "unexpected end of
 * template (expected ID)"; "each doesn't match with - 2:3" → without the position, which the
 * error carries already. The expected list is kept only when short enough to help.
 */
function summarize(text: string): string {
  const lines = text.split('\n');
  const first = lines[0] ?? '';
  if (!/^Parse error on line \d+:$/.test(first)) {
    return first.replace(/^Lexical error on line \d+\.\s*/, '').replace(/ - \d+:\d+$/, '');
  }
  const last = lines.at(-1) ?? first;
  const match = /^Expecting (.*), got '(\w+)'$/.exec(last);
  if (match?.[1] === undefined || match[2] === undefined) return last;
  const expected = [...match[1].matchAll(/'(\w+)'/g)].map((token) => describeToken(token[1] ?? ''));
  const unexpected = `unexpected ${describeToken(match[2])}`;
  return expected.length <= 3 ? `${unexpected} (expected ${expected.join(', ')})` : unexpected;
}

/**
 * A lexical scan good enough to name the innermost block left open; comments are blanked
 * first (keeping their newlines) so a commented-out `{{#if}}` does not count.
 */
function findUnclosedBlock(source: string): OpenBlock | undefined {
  const visible = source.replace(/\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g, (comment) =>
    comment.replace(/[^\n]/g, ' '),
  );
  const open: OpenBlock[] = [];
  for (const match of visible.matchAll(/(\\?)\{\{~?\s*([#/])\s*([^\s}~]*)/g)) {
    if (match[1] === '\\') continue;
    if (match[2] === '/') {
      open.pop();
      continue;
    }
    const line = visible.slice(0, match.index).split('\n').length;
    open.push({ name: match[3] ?? '', line });
  }
  return open.at(-1);
}
