/** Shared by run-chain and validate: find the chain, read the input, run pre-flight. */
import { resolve } from 'node:path';
import {
  type BuiltinTools,
  type Diagnostic,
  findChain,
  loadChain,
  type PreflightResult,
  preflight,
  readChainInput,
} from '../../index.js';
import { type CliIo, warroomHome } from '../cli-io.js';

export interface DefinitionOptions {
  chain: string;
  input?: string;
  chainsDir?: string;
  personasDir?: string;
  schemasDir?: string;
  config?: string;
}

export interface LoadedDefinition extends PreflightResult {
  chainFile: string;
}

export async function loadPrepared(
  io: CliIo,
  options: DefinitionOptions,
  tools?: { has(name: string): boolean },
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
    ...(tools ? { tools } : {}),
  });
  return { ...result, chainFile };
}

export function hasErrors(diagnostics: Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.severity === 'error');
}

/** The config file's tools, built for this command; close() ends MCP connections. */
export async function openTools(io: CliIo, options: { config?: string }): Promise<BuiltinTools> {
  const { createBuiltinTools, loadToolsConfig } = await import('../../index.js');
  const config = await loadToolsConfig({
    ...(options.config ? { file: options.config } : {}),
    cwd: io.cwd,
    env: io.env,
  });
  const tools = await createBuiltinTools(config, { home: resolve(io.cwd, warroomHome(io)) });
  for (const server of tools.mcpServers) {
    if (server.status === 'failed') {
      io.stderr(`warning: MCP server ${server.name} is unavailable: ${server.error}\n`);
    }
    for (const name of server.changed ?? []) {
      io.stderr(
        `warning: MCP tool ${name} changed since it was approved and is blocked: review it, then warroom tools pin --reset ${name}\n`,
      );
    }
    for (const skipped of server.skipped ?? []) {
      io.stderr(`warning: MCP tool ${server.name}__${skipped.tool} left out: ${skipped.reason}\n`);
    }
  }
  return tools;
}
