/**
 * The replay provider: recorded fixtures in, model results out. Owns cursors over
 * recorded exchanges and miss messages; knows nothing of chains or the engine.
 */
export { createReplayProvider, type ReplayProviderOptions } from './replay-provider.js';
