/**
 * The Anthropic adapter (Messages API through @anthropic-ai/sdk): request
 * translation, result and stream assembly, error wrapping. Imports only the spec,
 * the errors and the SDK; knows nothing of chains, personas, tools or the engine.
 */
export { type AnthropicProviderOptions, createAnthropicProvider } from './anthropic-provider.js';
