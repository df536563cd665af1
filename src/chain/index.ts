/**
 * chain/: Markdown chain files → the typed `Chain` model with source lines, front
 * matter, and the dependency graph. Knows nothing of providers, tools or the CLI.
 */
import { readFile } from 'node:fs/promises';
import { WarroomError } from '../errors.js';
import { type ParsedChain, parseChain } from './parse-chain.js';

export * from './chain.js';
export { buildDependencyGraph, type DependencyGraph } from './dependency-graph.js';
export { type ParsedChain, parseChain } from './parse-chain.js';
export * from './severity.js';

/** Reads and parses a chain file; an unreadable file is a user error. */
export async function loadChain(file: string): Promise<ParsedChain> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (cause) {
    throw new WarroomError({
      code: 'CHAIN_NOT_FOUND',
      message: `cannot read chain file ${file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
      cause,
      userError: true,
    });
  }
  return parseChain(source, file);
}
export { type ChainEntry, findChain, listChains } from './find-chain.js';
