/** All personas of a directory, keyed by id, and matching of `**Agent**` text to them. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from '../errors.js';
import { type Persona, parsePersona } from './persona.js';

export interface PersonaRegistry {
  personas: Map<string, Persona>;
  diagnostics: Diagnostic[];
}

export async function loadPersonas(directory: string): Promise<PersonaRegistry> {
  const personas = new Map<string, Persona>();
  const diagnostics: Diagnostic[] = [];
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => name.endsWith('.md')).sort();
  } catch {
    return { personas, diagnostics };
  }
  for (const name of names) {
    if (name.toLowerCase() === 'readme.md') continue;
    const file = join(directory, name);
    const result = parsePersona(await readFile(file, 'utf8'), file);
    diagnostics.push(...result.diagnostics);
    const persona = result.persona;
    if (!persona) continue;
    const expected = name.replace(/\.md$/, '');
    if (persona.id !== expected) {
      diagnostics.push({
        file,
        line: 2,
        severity: 'error',
        code: 'PERSONA_ID',
        message: `persona id "${persona.id}" must match its file name "${expected}.md"`,
      });
      continue;
    }
    personas.set(persona.id, persona);
  }
  return { personas, diagnostics };
}

function normaliseName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The persona an `**Agent**` line names: by id, name or alias, ignoring case and
 * punctuation; a line like "Site Reliability Engineer (incident commander)" also
 * matches by its leading name.
 */
export function matchPersona(agent: string, personas: Map<string, Persona>): Persona | undefined {
  const wanted = normaliseName(agent);
  const names = (persona: Persona) =>
    [persona.id, persona.name, ...persona.aliases].map(normaliseName);
  for (const persona of personas.values()) {
    if (names(persona).includes(wanted)) return persona;
  }
  // A hyphen separates a role only when spaced ("SRE - primary"): names hold hyphens ("On-call SRE").
  const leading = normaliseName(agent.split(/[(,;/–—]|\s-+\s/)[0] ?? '');
  for (const persona of personas.values()) {
    if (names(persona).includes(leading)) return persona;
  }
  return undefined;
}
