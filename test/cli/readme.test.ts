import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, repoRoot } from './cli-harness.js';

const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');

describe('README', () => {
  it('shows a chain example that passes pre-flight as written', async () => {
    const example = /````markdown\n([\s\S]*?)\n````/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const root = await mkdtemp(join(tmpdir(), 'warroom-readme-'));
    for (const folder of ['schemas', 'personas'])
      await cp(join(repoRoot, folder), join(root, folder), { recursive: true });
    await cp(join(repoRoot, 'chains'), join(root, 'chains'), { recursive: true });
    const chainFile = join(root, 'chains/readme-example.md');
    await writeFile(chainFile, example ?? '');
    const run = await cli(['validate', chainFile]);
    expect(run.stderr).toMatch(/: ok \(0 errors/);
    expect(run.code).toBe(0);
  });

  it('gives the replay command that the tests run', () => {
    expect(readme).toContain(
      'npm ci && npx warroom run-chain --chain chains/incident-response.md --input fixtures/incidents/db-pool-exhaustion.json --provider replay --fixtures fixtures/replay',
    );
    expect(readme).toContain('npm ci && npm test');
  });
});
