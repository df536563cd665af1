/**
 * Providers: the model-provider seam (spec.ts) and its implementations — replay,
 * the recording wrapper, the hand-written authoring provider — plus the error
 * adapters throw. Imports only the spec, the errors and src/fixture/; knows nothing
 * of chains, personas, tools or the engine.
 */
export { type AnthropicProviderOptions, createAnthropicProvider } from './anthropic/index.js';
export { ProviderCallError, type ProviderCallErrorOptions } from './errors.js';
export { createHandWrittenProvider, type HandWrittenProviderOptions } from './hand-written.js';
export { createOpenAIProvider, type OpenAIProviderOptions } from './openai/index.js';
export { createRecordingProvider, type RecordingProviderOptions } from './record.js';
export { createReplayProvider, type ReplayProviderOptions } from './replay/index.js';
export type * from './spec.js';
