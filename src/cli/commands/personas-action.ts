/** `warroom personas`: each persona with its model and tools. */
import { resolve } from 'node:path';
import { formatDiagnostic, loadPersonas } from '../../index.js';
import { type CliIo, shownPath } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';

interface PersonasOptions {
  personasDir: string;
  json?: boolean;
}

export default async function personasAction(io: CliIo, options: PersonasOptions): Promise<number> {
  const { personas, diagnostics } = await loadPersonas(resolve(io.cwd, options.personasDir));
  for (const diagnostic of diagnostics)
    io.stderr(`${formatDiagnostic({ ...diagnostic, file: shownPath(io, diagnostic.file) })}\n`);
  if (options.json) {
    io.stdout(
      `${JSON.stringify(
        [...personas.values()].map(({ systemPrompt: _prompt, file, ...persona }) => ({
          ...persona,
          file: shownPath(io, file),
        })),
        null,
        2,
      )}\n`,
    );
    return diagnostics.length > 0 ? exitCodes.usage : exitCodes.ok;
  }
  for (const persona of personas.values()) {
    const model =
      [persona.model.provider, persona.model.modelId].filter(Boolean).join('/') || 'default model';
    io.stdout(`${persona.id}  ${persona.name}  [${model}]\n`);
    if (persona.aliases.length > 0) io.stdout(`    aliases: ${persona.aliases.join(', ')}\n`);
    io.stdout(`    tools:   ${persona.tools.length > 0 ? persona.tools.join(', ') : '(none)'}\n`);
  }
  return diagnostics.length > 0 ? exitCodes.usage : exitCodes.ok;
}
