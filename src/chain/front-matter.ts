/**
 * Chain front matter: what prose cannot say. Read with zod; a problem is a
 * diagnostic at the front matter's line.
 */
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { Diagnostic } from '../errors.js';
import { modelSettingsSchema } from '../model-settings.js';
import { normalizeSeverity } from './severity.js';

const subtaskNumber = z.string().regex(/^\d+$/, 'subtask keys are numbers (the N of "Subtask N")');

const severityName = z.string().refine((value) => normalizeSeverity(value) !== undefined, {
  message: 'a severity is SEV-1..SEV-4 or P0..P3',
});

const optionId = z
  .string()
  .regex(/^[A-Za-z0-9][\w.-]*$/, 'an option id is a word: rollback, hotfix, mitigate');

/** A person chooses after the subtask: from options written here or listed in its output. */
const decisionSettings = z
  .object({
    question: z.string().min(1).optional(),
    options: z
      .array(
        z.union([
          optionId,
          z
            .object({
              id: optionId,
              description: z.string().optional(),
              risk: z.string().optional(),
            })
            .strict(),
        ]),
      )
      .min(2)
      .optional(),
    options_from: z
      .string()
      .regex(/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/, 'a dotted path in the subtask output')
      .optional(),
  })
  .strict()
  .refine((value) => (value.options === undefined) !== (value.options_from === undefined), {
    message: 'give either options (a list) or options_from (a path in the output), not both',
  });

const subtaskSettings = z
  .object({
    persona: z.string().min(1).optional(),
    schema: z.string().min(1).optional(),
    depends_on: z.array(z.number().int().positive()).optional(),
    model: modelSettingsSchema.optional(),
    retries: z.number().int().min(0).optional(),
    optional: z.boolean().optional(),
    output: z.enum(['json', 'markdown', 'text']).optional(),
    when: z
      .object({ severity: z.array(severityName).min(1) })
      .strict()
      .optional(),
    decision: decisionSettings.optional(),
  })
  .strict();

export const frontMatterSchema = z
  .object({
    personas: z.record(subtaskNumber, z.string().min(1)).optional(),
    schemas: z.record(subtaskNumber, z.string().min(1)).optional(),
    depends_on: z.record(subtaskNumber, z.array(z.number().int().positive())).optional(),
    subtasks: z.record(subtaskNumber, subtaskSettings).optional(),
    input_schema: z.string().min(1).optional(),
    report_schema: z.string().min(1).optional(),
    model: modelSettingsSchema.optional(),
    retries: z.number().int().min(0).optional(),
    severity: z
      .object({
        from: z
          .string()
          .regex(
            /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/,
            'a dotted path, e.g. subtask_1_output.severity.level',
          ),
      })
      .strict()
      .optional(),
  })
  .strict();

export type FrontMatter = z.infer<typeof frontMatterSchema>;
export type SubtaskSettings = z.infer<typeof subtaskSettings>;

export function parseFrontMatter(
  text: string,
  file: string,
  firstLine: number,
): { frontMatter: FrontMatter; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const document = parseDocument(text);
  const at = (line: number, code: string, message: string): Diagnostic => ({
    file,
    line: firstLine + line - 1,
    severity: 'error',
    code,
    message,
  });
  for (const error of document.errors) {
    const line = error.linePos?.[0]?.line ?? 1;
    diagnostics.push(
      at(line, 'FRONT_MATTER_YAML', `front matter: ${firstSentence(error.message)}`),
    );
  }
  if (diagnostics.length > 0) return { frontMatter: {}, diagnostics };
  const parsed = frontMatterSchema.safeParse(document.toJS() ?? {});
  if (parsed.success) return { frontMatter: parsed.data, diagnostics };
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String);
    const line = lineOfPath(text, path);
    diagnostics.push(
      at(line, 'FRONT_MATTER_FIELD', `front matter field "${path.join('.')}": ${issue.message}`),
    );
  }
  return { frontMatter: {}, diagnostics };
}

/** yaml's own "at line N, column M" counts from the front matter; the diagnostic's line is the file's. */
function firstSentence(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

/** Best-effort line of a key path in the YAML text (1-based within the text). */
export function lineOfPath(text: string, path: string[]): number {
  const lines = text.split('\n');
  let from = 0;
  let found = 1;
  for (const key of path) {
    const pattern = new RegExp(`^\\s*(?:-\\s*)?["']?${escapeRegExp(key)}["']?\\s*:`);
    const index = lines.findIndex((line, position) => position >= from && pattern.test(line));
    if (index < 0) break;
    found = index + 1;
    from = index + 1;
  }
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
