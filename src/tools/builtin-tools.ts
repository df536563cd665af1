/**
 * The tools a run can offer: the built-in sets (observability, GitHub, git, the
 * code sandbox), always registered so personas can list them — a tool whose
 * endpoint is not configured says so when called — plus the tools of every
 * configured MCP server, connected up front (their definitions are advertised to
 * the model) and closed when the run ends.
 */
import { join } from 'node:path';
import type { McpServerStatus } from './mcp/index.js';
import { ToolRegistry } from './tool-registry.js';
import type { ToolsConfig } from './tools-config.js';

export type { McpServerStatus } from './mcp/index.js';

export interface BuiltinTools {
  registry: ToolRegistry;
  mcpServers: McpServerStatus[];
  close(): Promise<void>;
}

export async function createBuiltinTools(
  config: ToolsConfig,
  options: { home: string; signal?: AbortSignal },
): Promise<BuiltinTools> {
  const [observability, github, git, sandbox] = await Promise.all([
    import('./observability/index.js'),
    import('./github/index.js'),
    import('./git/index.js'),
    import('./sandbox/index.js'),
  ]);
  const registry = new ToolRegistry([
    ...observability.createObservabilityTools(config),
    ...github.createGitHubTools(config.github),
    ...git.createGitTools(config.git),
    ...sandbox.createSandboxTools(config.sandbox),
  ]);
  if (!config.mcp || Object.keys(config.mcp).length === 0) {
    return { registry, mcpServers: [], close: async () => {} };
  }
  const { connectMcpTools, createFilePinStore } = await import('./mcp/index.js');
  const mcp = await connectMcpTools(config.mcp, {
    pins: createFilePinStore(join(options.home, 'mcp-pins.json')),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  for (const tool of mcp.tools) registry.register(tool);
  return { registry, mcpServers: mcp.servers, close: () => mcp.close() };
}
