/**
 * What the engine relies on before any call: provider-safe names, schemas the
 * project's validator compiles, the README's examples accepted, option-like
 * values refused by the schema already, and only the branch tool marked write.
 */
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../src/provider/spec.js';
import { createSchemaValidator } from '../../../src/schema/index.js';
import { createGitTools } from '../../../src/tools/git/index.js';
import { ToolRegistry } from '../../../src/tools/index.js';

const examples: ReadonlyArray<readonly [string, JsonValue]> = [
  ['git_log', { since: 'now-6h', path: 'services/payments', limit: 20 }],
  ['git_show', { revision: 'HEAD~1' }],
  ['git_diff', { from: 'v2.13.0', to: 'v2.14.0', path: 'config' }],
  ['git_create_branch', { branch: 'hotfix/INC-1234', from: 'v2.13.0' }],
];

const refused: ReadonlyArray<readonly [string, JsonValue]> = [
  ['git_log', { limit: 201 }],
  ['git_log', { path: '--output=x' }],
  ['git_show', { revision: '--output=/tmp/x' }],
  ['git_show', {}],
  ['git_diff', { from: 'v1' }],
  ['git_create_branch', { branch: '-D', from: 'main' }],
];

describe('git tool definitions', () => {
  const tools = createGitTools({ repository: '/srv/checkout' });
  const validator = createSchemaValidator();

  it('register under provider-safe names, with only git_create_branch marked write', () => {
    const registry = new ToolRegistry(tools);
    expect(registry.list().map((tool) => [tool.name, tool.effect])).toEqual([
      ['git_log', 'read'],
      ['git_show', 'read'],
      ['git_diff', 'read'],
      ['git_create_branch', 'write'],
    ]);
  });

  it('have schemas that compile, accept the documented examples and refuse option-like input', () => {
    for (const tool of tools) {
      expect(validator.compile(tool.inputSchema, tool.name), tool.name).toEqual({ ok: true });
    }
    for (const [name, input] of examples) {
      expect(validator.validate(name, input), name).toEqual([]);
    }
    for (const [name, input] of refused) {
      expect(validator.validate(name, input), `${name} ${JSON.stringify(input)}`).not.toEqual([]);
    }
  });
});
