/**
 * The helpers prompt templates may call. Arity is checked when a template is parsed, so a
 * helper only validates the types of its arguments. An argument reaching a helper may be
 * undefined only in an optional position (an #if/#unless condition, `default`'s first
 * argument): everywhere else the strict lookup has already thrown with the variable's name.
 */
import { describeType, formatListItem } from './format-value.js';

/** Lets a helper report a bad argument at the template line of its call. */
export interface HelperCall {
  fail(message: string): never;
}

export interface TemplateHelper {
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly evaluate: (args: readonly unknown[], call: HelperCall) => unknown;
}

/** Handlebars' #if rule, so `and`/`or`/`not` agree with #if about [] and "". */
function isTruthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

type Ordering = (left: number | string, right: number | string) => boolean;

/**
 * Ordering compares numbers with numbers and strings with strings; an absent side (only
 * possible in an #if condition) is simply false, a type mismatch is a template bug.
 */
function ordering(name: string, compare: Ordering): TemplateHelper {
  return {
    minArgs: 2,
    maxArgs: 2,
    evaluate: ([left, right], call) => {
      if (left === undefined || left === null || right === undefined || right === null) {
        return false;
      }
      const bothNumbers = typeof left === 'number' && typeof right === 'number';
      const bothStrings = typeof left === 'string' && typeof right === 'string';
      if (!bothNumbers && !bothStrings) {
        return call.fail(
          `${name} compares two numbers or two strings, got ${describeType(left)} and ${describeType(right)}`,
        );
      }
      return compare(left as number | string, right as number | string);
    },
  };
}

const json: TemplateHelper = {
  minArgs: 1,
  maxArgs: 2,
  evaluate: ([value, indent = 2], call) => {
    if (value === undefined) return call.fail('json needs a value but got undefined');
    if (typeof indent !== 'number')
      return call.fail(`json indent must be a number, got ${describeType(indent)}`);
    return JSON.stringify(value, null, indent);
  },
};

const join: TemplateHelper = {
  minArgs: 1,
  maxArgs: 2,
  evaluate: ([list, separator = ', '], call) => {
    if (!Array.isArray(list)) return call.fail(`join needs an array, got ${describeType(list)}`);
    if (typeof separator !== 'string')
      return call.fail(`join separator must be a string, got ${describeType(separator)}`);
    return list.map(formatListItem).join(separator);
  },
};

const fallback: TemplateHelper = {
  minArgs: 2,
  maxArgs: 2,
  evaluate: ([value, otherwise]) =>
    value === undefined || value === null || value === '' ? otherwise : value,
};

/** Absent counts as empty so `(gt (length items) 0)` works in an #if whether or not items exists. */
const length: TemplateHelper = {
  minArgs: 1,
  maxArgs: 1,
  evaluate: ([value], call) => {
    if (value === undefined || value === null) return 0;
    if (Array.isArray(value) || typeof value === 'string') return value.length;
    if (typeof value === 'object') return Object.keys(value).length;
    return call.fail(`length needs an array, string or object, got ${describeType(value)}`);
  },
};

export const templateHelpers: ReadonlyMap<string, TemplateHelper> = new Map<string, TemplateHelper>(
  [
    ['json', json],
    ['join', join],
    ['default', fallback],
    ['eq', { minArgs: 2, maxArgs: 2, evaluate: ([left, right]) => left === right }],
    ['ne', { minArgs: 2, maxArgs: 2, evaluate: ([left, right]) => left !== right }],
    ['lt', ordering('lt', (left, right) => left < right)],
    ['lte', ordering('lte', (left, right) => left <= right)],
    ['gt', ordering('gt', (left, right) => left > right)],
    ['gte', ordering('gte', (left, right) => left >= right)],
    [
      'and',
      { minArgs: 2, maxArgs: Number.POSITIVE_INFINITY, evaluate: (args) => args.every(isTruthy) },
    ],
    [
      'or',
      { minArgs: 2, maxArgs: Number.POSITIVE_INFINITY, evaluate: (args) => args.some(isTruthy) },
    ],
    ['not', { minArgs: 1, maxArgs: 1, evaluate: ([value]) => !isTruthy(value) }],
    ['length', length],
  ],
);

export const helperNames: readonly string[] = Object.freeze([...templateHelpers.keys()]);

/** The block helpers a template may open; Handlebars' own, kept strict by the environment. */
export const blockHelperNames: readonly string[] = Object.freeze(['each', 'with', 'if', 'unless']);
