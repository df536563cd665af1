/**
 * tools/: the `Tool` seam (name, description, input schema, effect, `run`), the
 * registry keyed by name, and one folder per tool set. Knows nothing of chains,
 * the engine, the CLI or provider implementations (the spec's types only).
 */

export { type BuiltinTools, createBuiltinTools, type McpServerStatus } from './builtin-tools.js';
export {
  defaultConfigFile,
  loadProviderLimits,
  loadSeverityRoutes,
  loadToolsConfig,
  type ProviderLimitsConfig,
} from './load-tools-config.js';
export { createFilePinStore, type McpPinStore, resetPin } from './mcp/index.js';
export {
  type Tool,
  type ToolArtifactWriter,
  type ToolContext,
  type ToolEffect,
  toolSeamVersion,
} from './tool.js';
export { ToolRegistry, toolNamePattern } from './tool-registry.js';
export {
  applyEnvironment,
  type EndpointConfig,
  type McpServerConfig,
  type ToolsConfig,
  toolsConfigSchema,
} from './tools-config.js';
