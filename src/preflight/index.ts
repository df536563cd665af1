/**
 * preflight/: every static check of a chain and its input, as a list of
 * `Diagnostic {file, line, severity, code, message}`, plus the prepared chain
 * when there is no error. Knows nothing of running anything.
 */
export type { ChainInput, InputSchema } from './chain-input.js';
export { effectiveSeveritySource, isConditional } from './conditional-subtasks.js';
export {
  type PreflightOptions,
  type PreflightResult,
  type PreparedChain,
  type PreparedSubtask,
  preflight,
} from './preflight.js';
export { inlineInputName, readChainInput } from './read-chain-input.js';
export type { SubtaskOutput } from './subtask-output.js';
