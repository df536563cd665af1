/**
 * What the engine relies on before any call: every GitHub tool has a name the
 * providers accept, a schema the project's validator compiles, examples (the
 * README's) that pass it, bad input that fails it, the right effect, and no
 * eager load of Octokit.
 */
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../src/provider/spec.js';
import { createSchemaValidator } from '../../../src/schema/index.js';
import { createGitHubTools } from '../../../src/tools/github/index.js';
import { ToolRegistry } from '../../../src/tools/index.js';

const examples: ReadonlyArray<readonly [string, JsonValue]> = [
  [
    'list_commits',
    { repository: 'acme/checkout', since: 'now-6h', path: 'services/payments', limit: 20 },
  ],
  ['get_commit', { sha: '8f3c1e2d9b7a' }],
  ['list_pull_requests', { state: 'closed', since: 'now-1d', limit: 10 }],
  ['list_deployments', { environment: 'production', since: '2026-11-26T00:00:00Z' }],
  ['list_releases', { limit: 5 }],
  ['get_file', { path: 'deploy/values.yaml', ref: 'v2.14.0' }],
  ['search_issues', { query: '"connection pool" is:issue', state: 'open' }],
  ['create_branch', { branch: 'hotfix/INC-1234-revert-pool', fromBranch: 'main' }],
  [
    'create_pull_request',
    {
      title: 'Revert pool size',
      body: 'Reverts #482.',
      head: 'hotfix/INC-1234-revert-pool',
      base: 'main',
      draft: true,
    },
  ],
];

const refused: ReadonlyArray<readonly [string, JsonValue]> = [
  ['list_commits', { limit: 101 }],
  ['list_commits', { repository: 'not-a-repository' }],
  ['get_commit', {}],
  ['get_commit', { sha: '--output=/tmp/x' }],
  ['list_pull_requests', { state: 'merged' }],
  ['create_branch', { branch: '-f', fromSha: 'a'.repeat(40) }],
  ['create_pull_request', { title: 'x', head: 'a', base: 'main' }],
  ['list_releases', { unknown: true }],
];

describe('GitHub tool definitions', () => {
  const tools = createGitHubTools({ repository: 'acme/checkout' });
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  const validator = createSchemaValidator();

  it('register under provider-safe names, with only the two writes marked write', () => {
    const registry = new ToolRegistry(tools);
    expect(registry.list().map((tool) => tool.name)).toEqual(examples.map(([name]) => name));
    expect(tools.filter((tool) => tool.effect === 'write').map((tool) => tool.name)).toEqual([
      'create_branch',
      'create_pull_request',
    ]);
  });

  it('have schemas that compile, accept the documented examples and refuse bad input', () => {
    for (const tool of tools) {
      expect(validator.compile(tool.inputSchema, tool.name), tool.name).toEqual({ ok: true });
      // Providers want an object at the top, without a top-level oneOf/anyOf.
      expect(tool.inputSchema.type).toBe('object');
      expect(Object.keys(tool.inputSchema)).not.toContain('oneOf');
    }
    for (const [name, input] of examples) {
      expect(validator.validate(name, input), name).toEqual([]);
    }
    for (const [name, input] of refused) {
      expect(validator.validate(name, input), `${name} ${JSON.stringify(input)}`).not.toEqual([]);
    }
    expect(byName.size).toBe(tools.length);
  });

  it('import @octokit/rest only for types, so loading the tools does not load Octokit', async () => {
    const folder = new URL('../../../src/tools/github/', import.meta.url);
    for (const file of await readdir(folder)) {
      const source = await readFile(new URL(file, folder), 'utf8');
      const staticImports = source.match(/^import\s+(?!type\b)[^;]*from '@octokit\/[^']+'/gm);
      expect(staticImports, file).toBeNull();
    }
  });
});
