/** Shared by run-chain and validate: find the chain, read the input, run pre-flight. */
import { resolve } from 'node:path';
import {
  type Diagnostic,
  findChain,
  loadChain,
  type PreflightResult,
  preflight,
  readChainInput,
} from '../../index.js';
import type { CliIo } from '../cli-io.js';

export interface DefinitionOptions {
  chain: string;
  input?: string;
  chainsDir?: string;
  personasDir?: string;
  schemasDir?: string;
}

export interface LoadedDefinition extends PreflightResult {
  chainFile: string;
}

export async function loadPrepared(
  io: CliIo,
  options: DefinitionOptions,
): Promise<LoadedDefinition> {
  const chainFile = await findChain(
    options.chain,
    resolve(io.cwd, options.chainsDir ?? 'chains'),
    io.cwd,
  );
  const parsed = await loadChain(chainFile);
  // Like every other path option, a relative --input means the user's directory (io.cwd).
  const input =
    options.input === undefined ? undefined : await readChainInput(options.input, io.cwd);
  const result = await preflight(parsed, {
    ...(input ? { input } : {}),
    ...(options.personasDir ? { personasDir: resolve(io.cwd, options.personasDir) } : {}),
    ...(options.schemasDir ? { schemasDir: resolve(io.cwd, options.schemasDir) } : {}),
  });
  return { ...result, chainFile };
}

export function hasErrors(diagnostics: Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.severity === 'error');
}
