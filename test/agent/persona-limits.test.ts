import { describe, expect, it } from 'vitest';
import { parsePersona } from '../../src/index.js';

const file = 'personas/sre.md';
const persona = (extra: string) => `---\nid: sre\nname: SRE\n${extra}\n---\nYou are the SRE.\n`;

// The agent's limits come from persona front matter; the persona module only parses them.
describe('persona limits for the agent loop', () => {
  it('reads tokenBudget and maxTurns next to the tool allowlist', () => {
    const { persona: parsed, diagnostics } = parsePersona(
      persona('tools: [lookup_metric]\ntokenBudget: 20000\nmaxTurns: 12'),
      file,
    );
    expect(diagnostics).toEqual([]);
    expect(parsed).toMatchObject({ tools: ['lookup_metric'], tokenBudget: 20000, maxTurns: 12 });
  });

  it('leaves both out when absent, so the agent defaults apply', () => {
    const parsed = parsePersona(persona(''), file).persona;
    expect(parsed).not.toHaveProperty('tokenBudget');
    expect(parsed).not.toHaveProperty('maxTurns');
  });

  it('rejects limits that are not positive integers', () => {
    for (const field of ['tokenBudget: 0', 'maxTurns: -1', 'maxTurns: 2.5', 'tokenBudget: lots']) {
      const [diagnostic] = parsePersona(persona(field), file).diagnostics;
      expect(diagnostic?.code, field).toBe('PERSONA_FIELD');
      expect(diagnostic?.message).toContain(field.split(':')[0]);
    }
  });
});
