/**
 * `--chain` left out: the config file's `routes:` pick the chain from the
 * incident's severity (one incident, or each incident of a batch).
 */
import { resolve } from 'node:path';
import type { BatchItem, ParsedChain, SeverityRoutesConfig } from '../../index.js';
import type { CliIo } from '../cli-io.js';

interface RouteOptions {
  chain?: string;
  input?: string;
  config?: string;
  chainsDir?: string;
}

/** The routes, or a usage error when neither --chain nor routes say which chain to run. */
export async function severityRoutes(
  io: CliIo,
  options: RouteOptions,
): Promise<SeverityRoutesConfig> {
  const { loadSeverityRoutes, WarroomError } = await import('../../index.js');
  const routes = await loadSeverityRoutes({
    ...(options.config ? { file: options.config } : {}),
    cwd: io.cwd,
    env: io.env,
  });
  if (!routes) {
    throw new WarroomError({
      code: 'USAGE',
      message:
        'say which chain to run: --chain <path|chain-id>, or routes: in the config file to pick one by severity',
      userError: true,
    });
  }
  return routes;
}

/** The chain id or file for one incident input (file or inline JSON). */
export async function routedChain(io: CliIo, options: RouteOptions): Promise<string> {
  if (options.chain) return options.chain;
  const routes = await severityRoutes(io, options);
  const { readChainInput, routeIncident, WarroomError } = await import('../../index.js');
  if (options.input === undefined) {
    throw new WarroomError({
      code: 'USAGE',
      message: 'routing by severity needs the incident: pass --input (or --chain)',
      userError: true,
    });
  }
  const input = await readChainInput(options.input, io.cwd);
  const route = routeIncident(routes, input.value, input.file);
  io.stderr(`routed ${route.severity ?? 'no severity (default)'} → chain ${route.chain}\n`);
  return route.chain;
}

/** For a batch: each incident's chain, parsed once per chain. */
export async function batchChains(
  io: CliIo,
  options: RouteOptions,
): Promise<ParsedChain | ((item: BatchItem) => Promise<ParsedChain>)> {
  const { findChain, loadChain, routeIncident } = await import('../../index.js');
  const chainsDir = resolve(io.cwd, options.chainsDir ?? 'chains');
  const load = async (chain: string) => loadChain(await findChain(chain, chainsDir, io.cwd));
  if (options.chain) return load(options.chain);
  const routes = await severityRoutes(io, options);
  const parsed = new Map<string, Promise<ParsedChain>>();
  return (item) => {
    const { chain } = routeIncident(routes, item.input.value, item.input.file);
    let found = parsed.get(chain);
    if (!found) {
      found = load(chain);
      parsed.set(chain, found);
    }
    return found;
  };
}
