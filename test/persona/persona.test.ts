import { describe, expect, it } from 'vitest';
import { parsePersona } from '../../src/index.js';

const file = 'personas/sre.md';

function persona(frontMatter: string, body = 'You are the on-call SRE.\n'): string {
  return `---\n${frontMatter}\n---\n${body}`;
}

function codesAndMessages(source: string) {
  return parsePersona(source, file).diagnostics.map((d) => [d.code, d.line, d.message]);
}

describe('parsePersona', () => {
  it('reads front matter with defaults and takes the body as the system prompt', () => {
    const source = persona(
      'id: sre\nname: Site Reliability Engineer\nmodel:\n  provider: anthropic\n  temperature: 0.2',
      '\nYou are the on-call SRE.\n\nBe brief.\n',
    );
    expect(parsePersona(source, file)).toEqual({
      persona: {
        id: 'sre',
        name: 'Site Reliability Engineer',
        aliases: [],
        model: { provider: 'anthropic', temperature: 0.2 },
        tools: [],
        systemPrompt: 'You are the on-call SRE.\n\nBe brief.',
        file,
      },
      diagnostics: [],
    });
  });

  it('accepts CRLF line endings and a byte-order mark', () => {
    const source = `\uFEFF${persona('id: sre\nname: SRE\naliases: [On-call]')}`.replace(
      /\n/g,
      '\r\n',
    );
    expect(parsePersona(source, file).persona).toMatchObject({ id: 'sre', aliases: ['On-call'] });
  });

  it('requires front matter', () => {
    expect(codesAndMessages('You are the SRE.')).toEqual([
      ['PERSONA_FRONT_MATTER', 1, 'persona file must start with --- YAML front matter ---'],
    ]);
  });

  it('names the field of a validation error', () => {
    const [[code, line, message] = []] = codesAndMessages(
      persona('id: sre\nname: SRE\nmodel:\n  temperature: 7'),
    );
    expect(code).toBe('PERSONA_FIELD');
    expect(line).toBe(2);
    expect(message).toMatch(/^persona field "model\.temperature": /);
  });

  it('names a missing required field and a malformed id', () => {
    const messages = parsePersona(persona('id: Site_Reliability'), file).diagnostics.map(
      (diagnostic) => diagnostic.message,
    );
    expect(messages).toEqual([
      expect.stringMatching(/^persona field "id": ids are lower-case words joined by dashes/),
      expect.stringMatching(/^persona field "name": /),
    ]);
  });

  it('names an unknown key', () => {
    const [diagnostic] = parsePersona(persona('id: sre\nname: SRE\nmodle: {}'), file).diagnostics;
    expect(diagnostic?.code).toBe('PERSONA_FIELD');
    expect(diagnostic?.message).toContain('modle');
  });

  it('places a YAML error on its file line, without the front-matter-relative line yaml adds', () => {
    const [diagnostic] = parsePersona(persona('id: sre\nname: [unclosed'), file).diagnostics;
    expect(diagnostic).toMatchObject({ file, line: 3, code: 'PERSONA_YAML', severity: 'error' });
    expect(diagnostic?.message).toMatch(/^Flow sequence/);
    expect(diagnostic?.message).not.toMatch(/at line \d/);
  });

  it('requires a system prompt after the front matter', () => {
    expect(codesAndMessages(persona('id: sre\nname: SRE', '\n  \n'))).toEqual([
      ['PERSONA_PROMPT', 1, 'persona has no system prompt after its front matter'],
    ]);
  });
});
