import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPersonas, matchPersona, type Persona } from '../../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warroom-personas-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function personaFile(id: string, name: string, aliases: string[] = []): string {
  return `---\nid: ${id}\nname: ${name}\naliases: ${JSON.stringify(aliases)}\n---\nYou are ${name}.\n`;
}

describe('loadPersonas', () => {
  it('loads every persona file keyed by id, skipping README.md and other files', async () => {
    await writeFile(join(dir, 'sre.md'), personaFile('sre', 'Site Reliability Engineer'));
    await writeFile(join(dir, 'dba.md'), personaFile('dba', 'Database Administrator'));
    await writeFile(join(dir, 'README.md'), '# Personas\n');
    await writeFile(join(dir, 'notes.txt'), 'not a persona');
    const { personas, diagnostics } = await loadPersonas(dir);
    expect(diagnostics).toEqual([]);
    expect([...personas.keys()]).toEqual(['dba', 'sre']);
    expect(personas.get('sre')?.file).toBe(join(dir, 'sre.md'));
  });

  it('requires the id to match the file name', async () => {
    await writeFile(join(dir, 'oncall.md'), personaFile('sre', 'Site Reliability Engineer'));
    const { personas, diagnostics } = await loadPersonas(dir);
    expect(personas.size).toBe(0);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        file: join(dir, 'oncall.md'),
        code: 'PERSONA_ID',
        severity: 'error',
        message: 'persona id "sre" must match its file name "oncall.md"',
      }),
    ]);
  });

  it('reports invalid persona files and keeps the valid ones', async () => {
    await writeFile(join(dir, 'sre.md'), personaFile('sre', 'SRE'));
    await writeFile(join(dir, 'broken.md'), 'no front matter');
    const { personas, diagnostics } = await loadPersonas(dir);
    expect([...personas.keys()]).toEqual(['sre']);
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['PERSONA_FRONT_MATTER']);
  });

  it('returns an empty registry for a missing directory', async () => {
    expect(await loadPersonas(join(dir, 'absent'))).toEqual({
      personas: new Map(),
      diagnostics: [],
    });
  });
});

describe('matchPersona', () => {
  const persona = (id: string, name: string, aliases: string[]): [string, Persona] => [
    id,
    { id, name, aliases, model: {}, tools: [], systemPrompt: 'x', file: `${id}.md` },
  ];
  const personas = new Map([
    persona('sre', 'Site Reliability Engineer', ['SRE', 'Incident Commander', 'On-call SRE']),
    persona('backend-engineer', 'Backend Engineer', ['Service Owner']),
    persona('observability-expert', 'Observability Expert', []),
  ]);
  const idOf = (agent: string) => matchPersona(agent, personas)?.id;

  it('matches by id, name or alias', () => {
    expect(idOf('backend-engineer')).toBe('backend-engineer');
    expect(idOf('Observability Expert')).toBe('observability-expert');
    expect(idOf('Incident Commander')).toBe('sre');
  });

  it('ignores case and punctuation', () => {
    expect(idOf('site reliability ENGINEER')).toBe('sre');
    expect(idOf('Site-Reliability  Engineer.')).toBe('sre');
    expect(idOf('**Backend_Engineer**')).toBe('backend-engineer');
  });

  it('matches the leading name of "Name (role)" and similar forms', () => {
    expect(idOf('Site Reliability Engineer (incident commander)')).toBe('sre');
    expect(idOf('Backend Engineer, payments')).toBe('backend-engineer');
    expect(idOf('Service Owner — checkout')).toBe('backend-engineer');
    expect(idOf('Observability Expert / telemetry')).toBe('observability-expert');
    expect(idOf('SRE - primary')).toBe('sre');
  });

  it('keeps hyphens inside a name when matching the "Name (role)" form', () => {
    expect(idOf('On-call SRE (primary)')).toBe('sre');
    expect(idOf('Site-Reliability Engineer (incident commander)')).toBe('sre');
  });

  it('returns undefined when nothing matches', () => {
    expect(idOf('Database Administrator')).toBeUndefined();
    expect(idOf('Site Reliability')).toBeUndefined();
    expect(idOf('')).toBeUndefined();
  });
});
