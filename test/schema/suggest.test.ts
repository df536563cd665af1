import { describe, expect, it } from 'vitest';
import { editDistance, suggest } from '../../src/schema/index.js';

describe('suggest', () => {
  const names = ['root_cause', 'severity', 'timeline', 'affected_services'];

  it('offers the closest name for a typo', () => {
    expect(suggest('sevrity', names)).toBe('severity');
    expect(suggest('root_casue', names)).toBe('root_cause');
  });

  it('counts a swap of adjacent letters as one edit', () => {
    expect(editDistance('casue', 'cause')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('offers nothing when no name is close', () => {
    expect(suggest('owner', names)).toBeUndefined();
    expect(suggest('x', [])).toBeUndefined();
  });

  it('allows two edits for short names and a third of the length for long ones', () => {
    expect(suggest('ab', ['xy'])).toBe('xy');
    expect(suggest('abc', ['xyz'])).toBeUndefined();
    expect(suggest('affectd_servics', names)).toBe('affected_services');
    expect(suggest('effected_sorvacis', names)).toBe('affected_services');
    expect(suggest('timeline', ['tim'])).toBeUndefined();
  });
});
