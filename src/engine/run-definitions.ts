/**
 * The definitions a run was started with, kept in its directory so a resume does
 * not depend on files that may have changed since: every persona file used and
 * every schema file (subtask outputs, input, report) under `definitions/`, in the
 * same relative layout as the originals (so the chain's relative schema paths still
 * resolve), and `definitions/manifest.json` saying where the chain, personas and
 * schemas sit in it. A resume pre-flights the chain from the run's `chain.md` against
 * these copies, exactly as `run-chain` pre-flights the originals.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, parse, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { parseChain } from '../chain/index.js';
import {
  type ChainInput,
  type PreflightResult,
  type PreparedChain,
  preflight,
} from '../preflight/index.js';
import { parseJson } from '../schema/index.js';
import type { RunDirectory } from './run-directory.js';

const manifestFormat = 'warroom-definitions/v1';

const manifestSchema = z.object({
  format: z.literal(manifestFormat),
  /** Paths relative to `definitions/`. */
  chain: z.string(),
  personasDir: z.string(),
  schemasDir: z.string(),
  files: z.array(z.string()),
});

type Manifest = z.infer<typeof manifestSchema>;

/** Copies the chain, its personas and schemas into `definitions/` and writes the manifest. */
export async function writeDefinitions(
  directory: RunDirectory,
  prepared: PreparedChain,
  chainSource: string,
): Promise<void> {
  const { chain } = prepared;
  const chainFile = resolve(chain.file);
  const personaFiles = [
    ...new Set([...prepared.subtasks.values()].map((item) => resolve(item.persona.file))),
  ];
  const schemaFiles = new Set<string>();
  let conventionalDir: string | undefined;
  for (const item of prepared.subtasks.values()) {
    if (item.output.schemaSource !== 'file' || !item.output.schemaFile) continue;
    schemaFiles.add(resolve(item.output.schemaFile));
    if (!item.subtask.schemaPath) conventionalDir = dirname(resolve(item.output.schemaFile));
  }
  if (prepared.inputSchema.source === 'file' && prepared.inputSchema.file) {
    schemaFiles.add(resolve(prepared.inputSchema.file));
    if (!chain.inputSchemaPath) conventionalDir = dirname(resolve(prepared.inputSchema.file));
  }
  if (prepared.reportSchema) schemaFiles.add(resolve(prepared.reportSchema.file));
  // Personas come from one folder; conventional schemas (by chain id) from the schemas folder.
  const projectRoot = dirname(dirname(chainFile));
  const personasDir = personaFiles[0] ? dirname(personaFiles[0]) : join(projectRoot, 'personas');
  const schemasDir = conventionalDir ?? join(projectRoot, 'schemas');
  const root = commonAncestor([chainFile, personasDir, schemasDir, ...schemaFiles]);
  const inside = (path: string) => relative(root, path).split(sep).join('/');
  const files = [...personaFiles, ...schemaFiles];
  for (const file of files) {
    await directory.writeFile(`definitions/${inside(file)}`, await readFile(file, 'utf8'));
  }
  await directory.writeFile(`definitions/${inside(chainFile)}`, chainSource);
  const manifest: Manifest = {
    format: manifestFormat,
    chain: inside(chainFile),
    personasDir: inside(personasDir),
    schemasDir: inside(schemasDir),
    files: files.map(inside),
  };
  await directory.writeJson('definitions/manifest.json', manifest);
}

/**
 * Pre-flights the run's `chain.md` against its copied definitions. A run directory
 * written before definitions were copied falls back to the chain's original folders.
 */
export async function preflightRunDefinitions(
  runDirectory: string,
  options: {
    originalChainFile: string;
    input: ChainInput;
    tools?: { has(name: string): boolean };
  },
): Promise<PreflightResult & { copied: boolean }> {
  const source = await readFile(join(runDirectory, 'chain.md'), 'utf8');
  const manifest = await readManifest(runDirectory);
  if (!manifest) {
    const parsed = parseChain(source, options.originalChainFile);
    const result = await preflight(parsed, withTools({ input: options.input }, options.tools));
    return { ...result, copied: false };
  }
  const base = join(runDirectory, 'definitions');
  const parsed = parseChain(source, join(base, manifest.chain));
  const result = await preflight(
    parsed,
    withTools(
      {
        input: options.input,
        personasDir: join(base, manifest.personasDir),
        schemasDir: join(base, manifest.schemasDir),
      },
      options.tools,
    ),
  );
  return { ...result, copied: true };
}

function withTools<T extends object>(
  options: T,
  tools: { has(name: string): boolean } | undefined,
) {
  return tools ? { ...options, tools } : options;
}

async function readManifest(runDirectory: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(runDirectory, 'definitions', 'manifest.json'), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = parseJson(text);
  const checked = parsed.ok ? manifestSchema.safeParse(parsed.value) : undefined;
  if (!checked?.success) return undefined;
  // Paths from disk never leave definitions/.
  const escapes = [checked.data.chain, checked.data.personasDir, checked.data.schemasDir].some(
    (path) => path.split('/').includes('..') || path.startsWith('/'),
  );
  return escapes ? undefined : checked.data;
}

/** The deepest folder holding every path (a file's folder for a file). */
function commonAncestor(paths: string[]): string {
  const split = paths.map((path) => dirname(path).split(sep));
  const first = split[0] ?? [];
  let length = first.length;
  for (const parts of split.slice(1)) {
    let shared = 0;
    while (shared < Math.min(length, parts.length) && parts[shared] === first[shared]) shared++;
    length = shared;
  }
  const joined = first.slice(0, length).join(sep);
  return joined === '' ? parse(paths[0] ?? sep).root || sep : joined;
}
