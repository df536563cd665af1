/**
 * engine/: scheduling the subtask DAG, the run directory and its event log, model
 * selection, checkpoints. Knows nothing of Markdown or terminal I/O.
 */
export { defaultTarget, type ModelOverrides, selectModel } from './model-selection.js';
export {
  type RunChainOptions,
  type RunChainResult,
  type RunFailure,
  runChain,
} from './run-chain.js';
export { createRunDirectory, newRunId, type RunDirectory } from './run-directory.js';
export type { RunEvent, RunEventType, UsageTotals } from './run-events.js';
export type { SubtaskRecord } from './run-summary.js';
export {
  type CaseOutcome,
  type ChainTestOptions,
  type ChainTestResult,
  subtaskModels,
  testChain,
} from './test-chain.js';
