/** `warroom list`: the chains and personas found. */
import { resolve } from 'node:path';
import { listChains, loadPersonas } from '../../index.js';
import { type CliIo, shownPath } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';

interface ListOptions {
  chainsDir: string;
  personasDir: string;
  json?: boolean;
}

export default async function listAction(io: CliIo, options: ListOptions): Promise<number> {
  const chains = await listChains(resolve(io.cwd, options.chainsDir));
  const { personas } = await loadPersonas(resolve(io.cwd, options.personasDir));
  if (options.json) {
    const document = {
      chains: chains.map((chain) => ({ ...chain, file: shownPath(io, chain.file) })),
      personas: [...personas.values()].map((p) => ({
        id: p.id,
        name: p.name,
        aliases: p.aliases,
        model: p.model,
        tools: p.tools,
      })),
    };
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
    return exitCodes.ok;
  }
  io.stdout(`Chains (${shownPath(io, resolve(io.cwd, options.chainsDir))}):\n`);
  if (chains.length === 0) io.stdout('  (none)\n');
  for (const chain of chains) {
    io.stdout(
      `  ${chain.id.padEnd(24)} ${chain.version.padEnd(8)} ${chain.subtasks} subtask${chain.subtasks === 1 ? '' : 's'}  ${chain.title}  (${shownPath(io, chain.file)})\n`,
    );
  }
  io.stdout(`Personas (${shownPath(io, resolve(io.cwd, options.personasDir))}):\n`);
  if (personas.size === 0) io.stdout('  (none)\n');
  for (const persona of personas.values()) {
    const model =
      [persona.model.provider, persona.model.modelId].filter(Boolean).join('/') || 'default model';
    io.stdout(`  ${persona.id.padEnd(24)} ${persona.name}  [${model}]\n`);
  }
  return exitCodes.ok;
}
