/** `--chain <path | chain-id>`: a path is taken as is; an id is looked up in the chains folder. */
import { access, readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { WarroomError } from '../errors.js';
import { parseChain } from './parse-chain.js';

export interface ChainEntry {
  id: string;
  title: string;
  version: string;
  file: string;
  subtasks: number;
}

function looksLikePath(spec: string): boolean {
  return spec.includes('/') || spec.includes('\\') || spec.toLowerCase().endsWith('.md');
}

/** Every chain in a folder, with the id its metadata declares. */
export async function listChains(chainsDir: string): Promise<ChainEntry[]> {
  const names = await readdir(chainsDir).catch(() => [] as string[]);
  const entries: ChainEntry[] = [];
  for (const name of names
    .filter((n) => n.endsWith('.md') && n.toLowerCase() !== 'readme.md')
    .sort()) {
    const file = join(chainsDir, name);
    const { chain } = parseChain(await readFile(file, 'utf8'), file);
    if (chain) {
      entries.push({
        id: chain.id,
        title: chain.title,
        version: chain.version,
        file,
        subtasks: chain.subtasks.length,
      });
    }
  }
  return entries;
}

/** `cwd` resolves a relative path (the CLI's working directory); the path is returned as given. */
export async function findChain(
  spec: string,
  chainsDir: string,
  cwd = process.cwd(),
): Promise<string> {
  const exists = await access(resolve(cwd, spec)).then(
    () => true,
    () => false,
  );
  if (exists) return isAbsolute(spec) || cwd === process.cwd() ? spec : resolve(cwd, spec);
  if (looksLikePath(spec)) {
    throw new WarroomError({
      code: 'CHAIN_NOT_FOUND',
      message: `chain file not found: ${spec}`,
      userError: true,
    });
  }
  const chains = await listChains(chainsDir);
  const match =
    chains.find((entry) => entry.id === spec) ??
    chains.find((entry) => entry.file.endsWith(`/${spec}.md`));
  if (match) return match.file;
  const known = chains.map((entry) => entry.id).join(', ') || 'none';
  throw new WarroomError({
    code: 'CHAIN_NOT_FOUND',
    message: `unknown chain "${spec}" (chains in ${chainsDir}: ${known}); pass a path or --chains-dir`,
    userError: true,
  });
}
