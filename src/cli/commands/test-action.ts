/** `warroom test <chain>`: replay every recorded case; exit 1 on any drift. */
import { resolve } from 'node:path';
import { findChain } from '../../index.js';
import type { CliIo } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';
import { openTools } from './load-prepared.js';

interface TestOptions {
  fixtures: string;
  chainsDir: string;
  personasDir?: string;
  schemasDir?: string;
  config?: string;
}

export default async function testAction(
  io: CliIo,
  chainSpec: string,
  options: TestOptions,
): Promise<number> {
  const { testChain } = await import('../../index.js');
  const tools = await openTools(io, options);
  const chainFile = await findChain(chainSpec, resolve(io.cwd, options.chainsDir), io.cwd);
  const testing = testChain({
    chainFile,
    fixturesDir: resolve(io.cwd, options.fixtures),
    ...(options.personasDir ? { personasDir: resolve(io.cwd, options.personasDir) } : {}),
    ...(options.schemasDir ? { schemasDir: resolve(io.cwd, options.schemasDir) } : {}),
    tools: tools.registry,
    onCase: (outcome) => {
      if (outcome.status === 'passed') {
        io.stdout(`✓ ${caseLabel(chainSpec, outcome.case)}\n`);
        return;
      }
      io.stdout(`✗ ${caseLabel(chainSpec, outcome.case)}: ${outcome.reason}\n`);
      if (outcome.details) io.stdout(`${outcome.details.replace(/^/gm, '    ')}\n`);
    },
  });
  const result = await testing.finally(() => tools.close());
  const failed = result.outcomes.filter((outcome) => outcome.status === 'failed').length;
  if (result.outcomes.length === 0) {
    io.stderr(
      `no recorded cases for chain ${result.chain} in ${options.fixtures} (record one with run-chain --record)\n`,
    );
    return exitCodes.runFailed;
  }
  io.stdout(`${result.outcomes.length - failed} passed, ${failed} failed\n`);
  return failed === 0 ? exitCodes.ok : exitCodes.runFailed;
}

function caseLabel(chain: string, caseName: string): string {
  return `${chain.replace(/^.*[\\/]/, '').replace(/\.md$/, '')}/${caseName}`;
}
