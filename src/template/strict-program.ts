/**
 * One walk over the parsed template does two jobs that must agree: it records every reference
 * (for pre-flight) and rewrites the AST so rendering is strict. Every value path that may not
 * be absent becomes `(__lookup head "tail"… name=… written=…)`, which throws TEMPLATE_REF for
 * undefined; every mustache becomes `{{__value …}}`, which formats objects as JSON. Because
 * both come from the same scope and the same optional flag, what pre-flight accepts is exactly
 * what rendering tolerates.
 *
 * The lookup walks the tail itself, by own properties: Handlebars would stop at a null in the
 * middle of `a.b.c` and yield null, rendering "null" for a value that does not exist.
 */
import {
  formatReferencePath,
  isScoped,
  ReferenceScope,
  type Resolution,
} from './reference-scope.js';
import type { TemplateLocation, TemplateReference } from './template.js';
import { absoluteLine, templateError } from './template-error.js';
import {
  blockHelperNames,
  helperNames,
  type TemplateHelper,
  templateHelpers,
} from './template-helpers.js';

type Program = hbs.AST.Program;
type Statement = hbs.AST.Statement;
type Expression = hbs.AST.Expression;
type PathExpression = hbs.AST.PathExpression;
type SubExpression = hbs.AST.SubExpression;
type MustacheStatement = hbs.AST.MustacheStatement;
type BlockStatement = hbs.AST.BlockStatement;
type Hash = hbs.AST.Hash;
type SourceLocation = hbs.AST.SourceLocation;

/** Internal helper names; not in helperNames, so a template cannot call them. */
export const VALUE_HELPER = '__value';
export const LOOKUP_HELPER = '__lookup';

export interface StrictProgram {
  program: Program;
  references: TemplateReference[];
}

const unsupportedStatements = new Map([
  ['PartialStatement', 'partials ({{> name}})'],
  ['PartialBlockStatement', 'partial blocks ({{#> name}})'],
  ['Decorator', 'decorators ({{* name}})'],
  ['DecoratorBlock', 'decorator blocks ({{#* name}})'],
]);

export function buildStrictProgram(program: Program, location: TemplateLocation): StrictProgram {
  const builder = new StrictProgramBuilder(location);
  const strict = builder.program(program, ReferenceScope.root());
  return { program: strict, references: builder.references };
}

class StrictProgramBuilder {
  readonly references: TemplateReference[] = [];

  constructor(private readonly location: TemplateLocation) {}

  program(node: Program, scope: ReferenceScope): Program {
    return { ...node, body: node.body.map((statement) => this.statement(statement, scope)) };
  }

  private statement(node: Statement, scope: ReferenceScope): Statement {
    switch (node.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return node;
      case 'MustacheStatement':
        return this.mustache(node as MustacheStatement, scope);
      case 'BlockStatement':
        return this.block(node as BlockStatement, scope);
      default: {
        const what = unsupportedStatements.get(node.type) ?? node.type;
        return this.fail(node, `${what} are not supported in prompt templates`);
      }
    }
  }

  private mustache(node: MustacheStatement, scope: ReferenceScope): MustacheStatement {
    const value = this.call(node, scope, false);
    return {
      ...node,
      path: pathTo(VALUE_HELPER, node.loc),
      params: [value],
      hash: namedArguments([], node.loc),
    };
  }

  /** A mustache or sub-expression: a helper call, or (mustache only) a plain value path. */
  private call(
    node: MustacheStatement | SubExpression,
    scope: ReferenceScope,
    optional: boolean,
  ): Expression {
    if (node.path.type !== 'PathExpression') {
      return this.fail(
        node,
        'a literal cannot stand alone in {{ }}; write the text outside the braces',
      );
    }
    const path = node.path as PathExpression;
    const name = simpleName(path);
    const helper = name === undefined ? undefined : templateHelpers.get(name);
    if (name === undefined || helper === undefined) {
      if (node.type === 'SubExpression' || node.params.length > 0 || hashPairs(node).length > 0) {
        return this.fail(
          path,
          `unknown helper "${path.original}"; helpers are ${helperNames.join(', ')}`,
        );
      }
      return this.value(path, scope, optional);
    }
    this.checkArguments(name, helper, node);
    const params = node.params.map((param, index) =>
      this.expression(param, scope, optional || (name === 'default' && index === 0)),
    );
    return subExpression(name, params, node.loc);
  }

  private checkArguments(
    name: string,
    helper: TemplateHelper,
    node: MustacheStatement | SubExpression,
  ): void {
    if (hashPairs(node).length > 0) this.fail(node, `${name} takes no named arguments`);
    const count = node.params.length;
    if (count >= helper.minArgs && count <= helper.maxArgs) return;
    const expected =
      helper.maxArgs === helper.minArgs
        ? `${helper.minArgs}`
        : helper.maxArgs === Number.POSITIVE_INFINITY
          ? `at least ${helper.minArgs}`
          : `${helper.minArgs} to ${helper.maxArgs}`;
    // A bare {{length}} is most likely a variable that happens to share a helper's name.
    const hint = count === 0 ? `; to print a variable named ${name}, write {{this.${name}}}` : '';
    this.fail(node, `${name} takes ${expected} argument(s), got ${count}${hint}`);
  }

  private expression(node: Expression, scope: ReferenceScope, optional: boolean): Expression {
    switch (node.type) {
      case 'PathExpression':
        return this.value(node as PathExpression, scope, optional);
      case 'SubExpression':
        return this.call(node as SubExpression, scope, optional);
      default:
        return node;
    }
  }

  private value(path: PathExpression, scope: ReferenceScope, optional: boolean): Expression {
    const resolution = scope.resolve(path);
    if (resolution.kind === 'above-root') {
      return this.fail(path, `"${path.original}" climbs above the top-level scope`);
    }
    // An empty path is the root itself (`{{this}}` at top level, `@root`): nothing to check.
    if (resolution.kind === 'path' && resolution.segments.length > 0) {
      this.references.push({
        path: resolution.segments,
        text: path.original,
        line: absoluteLine(this.location, path.loc.start.line),
        column: path.loc.start.column + 1,
        optional,
      });
    }
    return optional ? path : strictLookup(path, resolution);
  }

  private block(node: BlockStatement, scope: ReferenceScope): BlockStatement {
    const name = simpleName(node.path);
    if (name === undefined || !blockHelperNames.includes(name)) {
      return this.fail(
        node.path,
        `unknown block helper "#${node.path.original}"; blocks are #each, #with, #if and #unless`,
      );
    }
    const [argument] = node.params;
    if (argument === undefined || node.params.length > 1) {
      return this.fail(node, `#${name} takes exactly 1 argument, got ${node.params.length}`);
    }
    const conditional = name === 'if' || name === 'unless';
    const inner = conditional ? scope : this.blockScope(name, argument, scope, node.program);
    return {
      ...node,
      params: [this.expression(argument, scope, conditional)],
      hash: this.hash(node, scope, conditional),
      program: this.body(node.program, inner),
      // {{else}} of #each/#with runs in the outer context.
      inverse: this.body(node.inverse, scope),
    };
  }

  /**
   * A block argument that is not a plain path (a sub-expression) gives a context unknown before
   * rendering: references relative to it are omitted rather than guessed. Rendering still
   * checks them.
   */
  private blockScope(
    name: string,
    argument: Expression,
    scope: ReferenceScope,
    program: Program | undefined,
  ): ReferenceScope {
    const resolution: Resolution =
      argument.type === 'PathExpression'
        ? scope.resolve(argument as PathExpression)
        : { kind: 'unknown' };
    const parameters = program?.blockParams ?? [];
    return name === 'each'
      ? scope.enterEach(resolution, parameters)
      : scope.enterWith(resolution, parameters);
  }

  /** Handlebars' types call `program`/`inverse` required; the parser leaves them undefined when absent. */
  private body(program: Program | undefined, scope: ReferenceScope): Program {
    return (program && this.program(program, scope)) as Program;
  }

  private hash(
    node: { hash?: Hash; loc: SourceLocation },
    scope: ReferenceScope,
    optional: boolean,
  ): Hash {
    const pairs = hashPairs(node).map((pair) => ({
      ...pair,
      value: this.expression(pair.value, scope, optional),
    }));
    return { type: 'Hash', pairs, loc: node.hash?.loc ?? node.loc };
  }

  private fail(node: hbs.AST.Node, message: string): never {
    throw templateError('TEMPLATE_PARSE', this.location, node.loc.start.line, message);
  }
}

/** The name when the path could be a helper call (Handlebars' `simpleId`), else undefined. */
function simpleName(path: PathExpression): string | undefined {
  const single = path.parts.length === 1 && path.depth === 0 && !path.data && !isScoped(path);
  return single ? path.parts[0] : undefined;
}

function hashPairs(node: { hash?: Hash }): hbs.AST.HashPair[] {
  return node.hash?.pairs ?? [];
}

function strictLookup(path: PathExpression, resolution: Resolution): SubExpression {
  const [head, ...tail] = path.parts;
  const headPath =
    head === undefined ? path : { ...path, parts: [head], original: headText(path, head) };
  const name =
    resolution.kind === 'path' && resolution.segments.length > 0
      ? formatReferencePath(resolution.segments)
      : path.original;
  const tailLiterals = tail.map((segment) => stringLiteral(segment, path.loc));
  const metadata = namedArguments(
    [
      ['name', name],
      ['written', path.original],
    ],
    path.loc,
  );
  return subExpression(LOOKUP_HELPER, [headPath, ...tailLiterals], path.loc, metadata);
}

/** Keeps the prefixes Handlebars reads from `original` (`this.` decides block-param lookup). */
function headText(path: PathExpression, head: string): string {
  const prefix = `${'../'.repeat(path.depth)}${path.data ? '@' : ''}${isScoped(path) ? 'this.' : ''}`;
  return `${prefix}${head}`;
}

function pathTo(name: string, loc: SourceLocation): PathExpression {
  return { type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc };
}

function stringLiteral(value: string, loc: SourceLocation): hbs.AST.StringLiteral {
  return { type: 'StringLiteral', value, original: value, loc };
}

function namedArguments(entries: [string, string][], loc: SourceLocation): Hash {
  const pairs = entries.map(([key, value]) => ({
    type: 'HashPair' as const,
    key,
    value: stringLiteral(value, loc),
    loc,
  }));
  return { type: 'Hash', pairs, loc };
}

function subExpression(
  name: string,
  params: Expression[],
  loc: SourceLocation,
  hash = namedArguments([], loc),
): SubExpression {
  return { type: 'SubExpression', path: pathTo(name, loc), params, hash, loc };
}
