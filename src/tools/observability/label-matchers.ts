/**
 * Label matchers as written in PromQL selectors and Alertmanager filters
 * (`service="checkout-api", severity=~"crit.*"`): parsed once, then either sent
 * to Alertmanager's `filter` parameter or applied to Prometheus' alert list,
 * which has no server-side filter.
 */

export type MatchOperator = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  name: string;
  operator: MatchOperator;
  value: string;
  /** Anchored like Prometheus' regex matchers: the whole value must match. */
  pattern: RegExp | null;
}

const matcherPattern =
  /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^\s,"'{}]*))\s*(?:,|$)/;

function unescapeValue(text: string): string {
  return text.replace(/\\(.)/g, (_match, character: string) =>
    character === 'n' ? '\n' : character === 't' ? '\t' : character,
  );
}

export function parseLabelMatchers(text: string, field = 'filter'): LabelMatcher[] {
  let rest = text.trim();
  if (rest.startsWith('{') && rest.endsWith('}')) rest = rest.slice(1, -1);
  const matchers: LabelMatcher[] = [];
  while (rest.trim().length > 0) {
    const match = matcherPattern.exec(rest);
    if (match === null) {
      throw new Error(
        `${field} "${text}" is not a list of label matchers: write them like service="checkout-api", severity=~"critical|page"`,
      );
    }
    const [whole, name = '', operator = '=', doubleQuoted, singleQuoted, bare] = match;
    const value = unescapeValue(doubleQuoted ?? singleQuoted ?? bare ?? '');
    let pattern: RegExp | null = null;
    if (operator === '=~' || operator === '!~') {
      try {
        pattern = new RegExp(`^(?:${value})$`);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(
          `${field}: ${name}${operator}"${value}" is not a valid regular expression (${reason})`,
        );
      }
    }
    matchers.push({ name, operator: operator as MatchOperator, value, pattern });
    rest = rest.slice(whole.length);
  }
  return matchers;
}

/** A missing label is the empty string, as in Prometheus. */
export function matchesLabels(
  matchers: readonly LabelMatcher[],
  labels: Readonly<Record<string, string>>,
): boolean {
  return matchers.every((matcher) => {
    const actual = Object.hasOwn(labels, matcher.name) ? (labels[matcher.name] ?? '') : '';
    if (matcher.operator === '=') return actual === matcher.value;
    if (matcher.operator === '!=') return actual !== matcher.value;
    const matched = matcher.pattern?.test(actual) ?? false;
    return matcher.operator === '=~' ? matched : !matched;
  });
}

/** The form Alertmanager's `filter` query parameter takes, one matcher each. */
export function formatMatcher(matcher: LabelMatcher): string {
  return `${matcher.name}${matcher.operator}${JSON.stringify(matcher.value)}`;
}
