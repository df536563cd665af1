/**
 * The OpenAI adapter (Chat Completions, also for OpenAI-compatible servers). Imports
 * only the provider spec and errors; the SDK itself loads on the first call.
 */
export { createOpenAIProvider, type OpenAIProviderOptions } from './openai-provider.js';
