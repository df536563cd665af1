import { describe, expect, it } from 'vitest';
import { type Tool, ToolRegistry } from '../../src/tools/index.js';

function tool(name: string, effect: Tool['effect'] = 'read'): Tool {
  return {
    name,
    description: `The ${name} tool.`,
    inputSchema: { type: 'object' },
    effect,
    run: async () => null,
  };
}

describe('ToolRegistry', () => {
  it('rejects a second tool with a name already registered', () => {
    const registry = new ToolRegistry([tool('query_prometheus')]);
    expect(() => registry.register(tool('query_prometheus', 'write'))).toThrow(
      'cannot register tool "query_prometheus": a tool with that name is registered',
    );
    expect(registry.get('query_prometheus')?.effect).toBe('read');
  });

  it('rejects names the providers would refuse', () => {
    const registry = new ToolRegistry();
    for (const name of ['', 'has space', 'dots.are.out', 'x'.repeat(65), 'ünicode']) {
      expect(() => registry.register(tool(name)), name).toThrow(/cannot register tool/);
    }
    expect(registry.list()).toEqual([]);
    expect(() => registry.register(tool('x'.repeat(64)))).not.toThrow();
  });

  it('looks names up in a Map, so object built-ins are never tools', () => {
    const registry = new ToolRegistry([tool('__proto__')]);
    expect(registry.get('__proto__')?.name).toBe('__proto__');
    expect(registry.get('constructor')).toBeUndefined();
    expect(registry.has('toString')).toBe(false);
  });

  it('lists tools in registration order', () => {
    const registry = new ToolRegistry([tool('b_tool'), tool('a_tool')]);
    expect(registry.list().map((item) => item.name)).toEqual(['b_tool', 'a_tool']);
  });

  it('defines the named tools in the order asked, once each, leaving out unknown names', () => {
    const registry = new ToolRegistry([tool('query_prometheus'), tool('get_deploys')]);
    expect(
      registry.definitionsFor(['get_deploys', 'missing', 'query_prometheus', 'get_deploys']),
    ).toEqual([
      {
        name: 'get_deploys',
        description: 'The get_deploys tool.',
        inputSchema: { type: 'object' },
      },
      {
        name: 'query_prometheus',
        description: 'The query_prometheus tool.',
        inputSchema: { type: 'object' },
      },
    ]);
  });
});
