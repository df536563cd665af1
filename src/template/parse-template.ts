import { buildStrictProgram } from './strict-program.js';
import type { Template, TemplateLocation } from './template.js';
import { compileProgram, parseProgram } from './template-environment.js';
import { templateSyntaxError } from './template-syntax-error.js';

/**
 * Parses a prompt template, extracts its references and prepares strict rendering. Throws
 * WarroomError TEMPLATE_PARSE (with the absolute line) for bad syntax, unknown helpers, wrong
 * helper arity, partials, and paths climbing above the top-level scope.
 */
export function parseTemplate(source: string, location: TemplateLocation): Template {
  const program = parse(source, location);
  const strict = buildStrictProgram(program, location);
  return {
    source,
    location,
    references: strict.references,
    singleExpression: isSingleMustache(program),
    run: compileProgram(strict.program),
  };
}

function parse(source: string, location: TemplateLocation): hbs.AST.Program {
  try {
    return parseProgram(source);
  } catch (error) {
    throw templateSyntaxError(error, source, location);
  }
}

/** Exactly one mustache once surrounding whitespace is ignored; an escaped `\{{` is text. */
function isSingleMustache(program: hbs.AST.Program): boolean {
  const meaningful = program.body.filter(
    (statement) =>
      statement.type !== 'ContentStatement' ||
      (statement as hbs.AST.ContentStatement).value.trim() !== '',
  );
  return meaningful.length === 1 && meaningful[0]?.type === 'MustacheStatement';
}
