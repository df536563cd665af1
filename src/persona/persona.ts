/**
 * Persona files (`personas/<id>.md`): YAML front matter (id, name, aliases, model
 * settings, tool allowlist, per-subtask limits) and a Markdown body that is the system prompt.
 */
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { Diagnostic } from '../errors.js';
import { modelSettingsSchema } from '../model-settings.js';

const personaFrontMatter = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-case words joined by dashes'),
    name: z.string().min(1),
    aliases: z.array(z.string().min(1)).default([]),
    description: z.string().optional(),
    model: modelSettingsSchema.default({}),
    /** The allowlist: names of the tools this persona may call. */
    tools: z.array(z.string().min(1)).default([]),
    /** Input plus output tokens one subtask may spend before it stops calling the model. */
    tokenBudget: z.number().int().positive().optional(),
    /** Model calls per subtask, tool and repair turns included (the agent's default: 8). */
    maxTurns: z.number().int().positive().optional(),
  })
  .strict();

export type PersonaSettings = z.infer<typeof personaFrontMatter>;

export interface Persona extends PersonaSettings {
  systemPrompt: string;
  file: string;
}

const frontMatterPattern = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/;

export function parsePersona(
  rawSource: string,
  file: string,
): { persona?: Persona; diagnostics: Diagnostic[] } {
  const source = rawSource.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const diagnostic = (line: number, code: string, message: string): Diagnostic => ({
    file,
    line,
    severity: 'error',
    code,
    message,
  });
  const match = frontMatterPattern.exec(source);
  if (!match) {
    return {
      diagnostics: [
        diagnostic(
          1,
          'PERSONA_FRONT_MATTER',
          'persona file must start with --- YAML front matter ---',
        ),
      ],
    };
  }
  const yamlText = match[1] ?? '';
  const document = parseDocument(yamlText);
  if (document.errors.length > 0) {
    return {
      diagnostics: document.errors.map((error) =>
        diagnostic(
          1 + (error.linePos?.[0]?.line ?? 1),
          'PERSONA_YAML',
          // yaml's "at line N" counts from the front matter; the diagnostic's line is the file's.
          (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, ''),
        ),
      ),
    };
  }
  const parsed = personaFrontMatter.safeParse(document.toJS() ?? {});
  if (!parsed.success) {
    return {
      diagnostics: parsed.error.issues.map((issue) =>
        diagnostic(
          2,
          'PERSONA_FIELD',
          `persona field "${issue.path.join('.') || '(root)'}": ${issue.message}`,
        ),
      ),
    };
  }
  const systemPrompt = source.slice(match[0].length).trim();
  if (systemPrompt === '') {
    return {
      diagnostics: [
        diagnostic(1, 'PERSONA_PROMPT', 'persona has no system prompt after its front matter'),
      ],
    };
  }
  return { persona: { ...parsed.data, systemPrompt, file }, diagnostics: [] };
}
