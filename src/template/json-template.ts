/**
 * JSON templates (the chain's Final Output Aggregation): parsed as JSON first,
 * then each string value is a template. A string that is exactly one expression
 * embeds the value itself, so quotes in model text can never break the JSON.
 */
import { type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { WarroomError } from '../errors.js';
import { parseTemplate } from './parse-template.js';
import { evaluateTemplateValue } from './render-template.js';
import type { Template, TemplateLocation, TemplateReference } from './template.js';

export type JsonTemplate =
  | { kind: 'literal'; value: unknown }
  | { kind: 'template'; template: Template }
  | { kind: 'array'; items: JsonTemplate[] }
  | { kind: 'object'; entries: Array<[string, JsonTemplate]> };

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < text.length; index++) {
    if (text.charCodeAt(index) === 10) line++;
  }
  return line;
}

/** Parses the JSON and every string in it; throws WarroomError with the line of the problem. */
export function parseJsonTemplate(text: string, location: TemplateLocation): JsonTemplate {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (first || !root) {
    const offset = first?.offset ?? 0;
    throw new WarroomError({
      code: 'TEMPLATE_PARSE',
      message: `aggregation template is not valid JSON: ${first ? printParseErrorCode(first.error) : 'empty'}`,
      file: location.file,
      line: location.line + lineAt(text, offset) - 1,
      userError: true,
    });
  }
  return fromNode(root, text, location);
}

function fromNode(node: Node, text: string, location: TemplateLocation): JsonTemplate {
  switch (node.type) {
    case 'object':
      return {
        kind: 'object',
        entries: (node.children ?? []).map((property) => {
          const [key, value] = property.children ?? [];
          return [String(key?.value), value ? fromNode(value, text, location) : literal(null)];
        }),
      };
    case 'array':
      return {
        kind: 'array',
        items: (node.children ?? []).map((item) => fromNode(item, text, location)),
      };
    case 'string': {
      const source = String(node.value);
      if (!source.includes('{{')) return literal(source);
      const line = location.line + lineAt(text, node.offset) - 1;
      return {
        kind: 'template',
        template: parseTemplate(source, { ...location, line, singleLine: true }),
      };
    }
    default:
      return literal(node.value);
  }
}

function literal(value: unknown): JsonTemplate {
  return { kind: 'literal', value };
}

export function jsonTemplateReferences(template: JsonTemplate): TemplateReference[] {
  switch (template.kind) {
    case 'template':
      return template.template.references;
    case 'array':
      return template.items.flatMap(jsonTemplateReferences);
    case 'object':
      return template.entries.flatMap(([, value]) => jsonTemplateReferences(value));
    default:
      return [];
  }
}

/**
 * Renders to a plain JSON value; a missing reference throws TEMPLATE_REF. A value that
 * references one of the `absent` variables (a subtask the run finished without) is null:
 * the report keeps its shape and says elsewhere what is missing.
 */
export function renderJsonTemplate(
  template: JsonTemplate,
  context: Record<string, unknown>,
  absent: ReadonlySet<string> = new Set(),
): unknown {
  switch (template.kind) {
    case 'literal':
      return template.value;
    case 'template':
      if (template.template.references.some((reference) => absent.has(reference.path[0] ?? '')))
        return null;
      return evaluateTemplateValue(template.template, context);
    case 'array':
      return template.items.map((item) => renderJsonTemplate(item, context, absent));
    case 'object':
      return Object.fromEntries(
        template.entries.map(([key, value]) => [key, renderJsonTemplate(value, context, absent)]),
      );
  }
}
