/**
 * The one isolated Handlebars environment prompt templates run in: the public helpers, the
 * internal strict helpers the rewritten AST calls, and #each/#with refusing undefined. It is
 * built once at load and never changed afterwards, so sharing it carries no mutable state;
 * per-render facts (location, capture) travel in @data.
 */
import Handlebars from 'handlebars';
import { describeType, formatValue } from './format-value.js';
import { LOOKUP_HELPER, VALUE_HELPER } from './strict-program.js';
import type { CompiledProgram, RenderState } from './template.js';
import { templateError } from './template-error.js';
import { type TemplateHelper, templateHelpers } from './template-helpers.js';

const STATE_KEY = 'warroomRender';

/** The part of Handlebars' helper options we use (its typings lack `loc`). */
interface HelperOptions {
  hash: Record<string, unknown>;
  data: Record<string, unknown>;
  loc?: { start: { line: number; column: number } };
}

/** Handlebars passes its options object after the arguments. */
function splitArguments(args: readonly unknown[]): { values: unknown[]; options: HelperOptions } {
  return { values: args.slice(0, -1), options: args.at(-1) as HelperOptions };
}

function failAt(options: HelperOptions, message: string, path?: string): never {
  // Set by compileProgram for every render and copied into each nested @data frame.
  const state = options.data[STATE_KEY] as RenderState;
  const line = options.loc?.start.line ?? 1;
  throw templateError('TEMPLATE_REF', state.location, line, message, { path });
}

function ownProperty(value: unknown, key: string): unknown {
  if (value === null || value === undefined) return undefined;
  const boxed: object = Object(value);
  return Object.hasOwn(boxed, key) ? (boxed as Record<string, unknown>)[key] : undefined;
}

/** `(__lookup head "tail"… name=… written=…)`: the value, or TEMPLATE_REF naming the variable. */
function lookupStrictly(...args: unknown[]): unknown {
  const { values, options } = splitArguments(args);
  const [head, ...tail] = values;
  const value = tail.reduce(
    (current: unknown, segment) => ownProperty(current, String(segment)),
    head,
  );
  if (value !== undefined) return value;
  const name = String(options.hash.name);
  const written = String(options.hash.written);
  const shown = name === written ? `"${name}"` : `"${name}" (written "${written}")`;
  return failAt(options, `template references ${shown} but it is undefined`, name);
}

/** `{{__value x}}`: prompt text for x, or x itself when evaluating a single expression. */
function renderValue(...args: unknown[]): string {
  const { values, options } = splitArguments(args);
  const [value] = values;
  if (value === undefined) return failAt(options, 'expression evaluated to undefined');
  const state = options.data[STATE_KEY] as RenderState;
  if (state.capture === undefined) return formatValue(value);
  state.capture.value = value;
  return '';
}

function asHandlebarsHelper(helper: TemplateHelper): Handlebars.HelperDelegate {
  return (...args: unknown[]) => {
    const { values, options } = splitArguments(args);
    return helper.evaluate(values, { fail: (message) => failAt(options, message) });
  };
}

/**
 * Paths given to #each/#with are already checked by __lookup; this also covers values coming
 * from sub-expressions. The built-ins would render nothing (or their {{else}}) for undefined,
 * and #each would do the same over a string — a Markdown output where a JSON list was expected.
 */
function requireContext(
  name: string,
  builtin: Handlebars.HelperDelegate,
): Handlebars.HelperDelegate {
  return function (this: unknown, ...args: unknown[]): unknown {
    const { values, options } = splitArguments(args);
    const [context] = values;
    if (context === undefined) failAt(options, `#${name} needs a value but got undefined`);
    if (name === 'each' && context !== null && typeof context !== 'object') {
      failAt(options, `#each needs an array or object, got ${describeType(context)}`);
    }
    return builtin.apply(this, args as Parameters<Handlebars.HelperDelegate>);
  };
}

function createEnvironment(): typeof Handlebars {
  const environment = Handlebars.create();
  for (const [name, helper] of templateHelpers) {
    environment.registerHelper(name, asHandlebarsHelper(helper));
  }
  environment.registerHelper(LOOKUP_HELPER, lookupStrictly);
  environment.registerHelper(VALUE_HELPER, renderValue);
  for (const name of ['each', 'with']) {
    const builtin = environment.helpers[name];
    if (builtin === undefined) throw new Error(`Handlebars has no built-in #${name}`);
    environment.registerHelper(name, requireContext(name, builtin));
  }
  return environment;
}

const environment = createEnvironment();

/** Throws Handlebars' own error on bad syntax; parseTemplate turns it into TEMPLATE_PARSE. */
export function parseProgram(source: string): hbs.AST.Program {
  return environment.parse(source);
}

/** Compiles a program built by buildStrictProgram (never one from untrusted JSON: it becomes code). */
export function compileProgram(program: hbs.AST.Program): CompiledProgram {
  const render = environment.compile<Record<string, unknown>>(program, { noEscape: true });
  return (context, state) => render(context, { data: { [STATE_KEY]: state } });
}
