/**
 * tools/mcp/: tools served by Model Context Protocol servers (stdio or streamable
 * HTTP), offered as warroom tools named `<server>__<tool>` (see mcp-tool-name.ts).
 * Server-provided text is untrusted: effects come only from the config (default
 * `write`), and each tool's definition is pinned on first use so a changed one
 * fails closed. Knows nothing of chains, the engine, the agent loop or the CLI;
 * the MCP SDK loads only when a server is connected.
 */
export {
  connectMcpTools,
  type McpConnectDeps,
  type McpServerStatus,
  type McpTools,
} from './connect-mcp-tools.js';
export {
  canonicalJson,
  createFilePinStore,
  type McpPin,
  type McpPinStore,
  type McpToolDefinition,
  mcpToolDefinitionHash,
  resetPin,
} from './mcp-pin-store.js';
export { asJsonValue, mcpResultValue } from './mcp-result-json.js';
export { minimalEnvironment } from './mcp-server-connection.js';
export { McpToolError, mcpToolDescription } from './mcp-tool.js';
export {
  assignMcpToolNames,
  hashedMcpToolName,
  isMcpToolName,
  mcpToolName,
} from './mcp-tool-name.js';
