import { describe, expect, it } from 'vitest';
import { matchesLabels, parseLabelMatchers } from '../../../src/tools/observability/index.js';

describe('label matchers for list_alerts', () => {
  it('reads the four operators, with or without braces and quotes', () => {
    const matchers = parseLabelMatchers(
      '{service="checkout-api", severity=~"crit.*", env!="dev", team!~\'ops|sre\', pool=orders-db}',
    );
    expect(matchers.map(({ name, operator, value }) => `${name}${operator}${value}`)).toEqual([
      'service=checkout-api',
      'severity=~crit.*',
      'env!=dev',
      'team!~ops|sre',
      'pool=orders-db',
    ]);
  });

  it('matches like Prometheus: anchored regexes, a missing label is empty', () => {
    const labels = { service: 'checkout-api', severity: 'critical' };
    expect(matchesLabels(parseLabelMatchers('severity=~"crit"'), labels)).toBe(false);
    expect(matchesLabels(parseLabelMatchers('severity=~"crit.*"'), labels)).toBe(true);
    expect(matchesLabels(parseLabelMatchers('team=""'), labels)).toBe(true);
    expect(matchesLabels(parseLabelMatchers('team!=""'), labels)).toBe(false);
    expect(
      matchesLabels(parseLabelMatchers('service="checkout-api",severity!="critical"'), labels),
    ).toBe(false);
  });

  it('explains a filter it cannot read', () => {
    expect(() => parseLabelMatchers('service is checkout')).toThrow(
      /filter "service is checkout" is not a list of label matchers: write them like service="checkout-api"/,
    );
    expect(() => parseLabelMatchers('service=~"("')).toThrow(/is not a valid regular expression/);
  });
});
