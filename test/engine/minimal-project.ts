/**
 * The minimal test chain (test/fixtures: triage → post-mortem, both by the sre
 * persona) copied to a temp folder with the sre persona given a tool list, and
 * prepared through the real loadChain + preflight; and the write tool the engine's
 * approval tests call.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadChain,
  type PreparedChain,
  preflight,
  type Tool,
  ToolRegistry,
} from '../../src/index.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;

export async function prepareMinimalChain(
  tools: Tool[],
  sreTools: string[],
): Promise<{ root: string; prepared: PreparedChain }> {
  const root = await mkdtemp(join(tmpdir(), 'warroom-minimal-'));
  for (const folder of ['chains', 'schemas', 'personas'])
    await cp(join(fixtures, folder), join(root, folder), { recursive: true });
  const persona = join(root, 'personas/sre.md');
  await writeFile(
    persona,
    (await readFile(persona, 'utf8')).replace('tools: []', `tools: [${sreTools.join(', ')}]`),
  );
  const result = await preflight(await loadChain(join(root, 'chains/minimal.md')), {
    tools: new ToolRegistry(tools),
  });
  if (!result.prepared) throw new Error(JSON.stringify(result.diagnostics));
  return { root, prepared: result.prepared };
}

/** `restart_service`, a write tool; `onRun` counts (or records) each time it really runs. */
export function restartServiceTool(onRun: (input: unknown) => void): Tool {
  return {
    name: 'restart_service',
    description: 'Restarts a service.',
    inputSchema: {
      type: 'object',
      properties: { service: { type: 'string' } },
      required: ['service'],
    },
    effect: 'write',
    async run(input) {
      onRun(input);
      return { restarted: true };
    },
  };
}
