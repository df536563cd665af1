/**
 * engine/: scheduling the subtask DAG, the run directory and its event log, model
 * selection, checkpoints, resuming interrupted runs, run budgets. Knows nothing of
 * Markdown or terminal I/O.
 */

export {
  type CircuitBreakerOptions,
  CircuitOpenError,
  defaultCircuitBreaker,
  ProviderCircuit,
  withCircuitBreaker,
} from './circuit-breaker.js';
export { checkDecisionFlags, parseDecideFlags } from './decide-flags.js';
export type { DecisionKind, DecisionRequest, RecordedDecision } from './decisions.js';
export {
  type FallbackNotice,
  type FallbackOptions,
  isProviderOutage,
  type TargetedModel,
  withFallback,
} from './fallback-model.js';
export {
  defaultModels,
  defaultTarget,
  type FallbackModel,
  type ModelOverrides,
  type ProviderWithFallback,
  selectModel,
  splitModel,
  withProviderFallback,
} from './model-selection.js';
export {
  type ProviderLimits,
  ProviderRateLimiter,
  withProviderLimits,
  withRateLimit,
} from './rate-limiter.js';
export { type RetryNotice, withResilience } from './resilient-model.js';
export {
  locateRunDirectory,
  type ResumeRunOptions,
  type ResumeRunResult,
  resumeRun,
} from './resume-run.js';
export { defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';
export {
  type BatchItem,
  type BatchOptions,
  type BatchOutcome,
  batchItemName,
  runBatch,
} from './run-batch.js';
export type { BudgetLimit, RunBudget, RunStop } from './run-budget.js';
export {
  type RunChainOptions,
  type RunChainResult,
  type RunFailure,
  runChain,
} from './run-chain.js';
export {
  createMemoryRunDirectory,
  createRunDirectory,
  type MemoryRunDirectory,
  newRunId,
  type RunDirectory,
  type RunDirectoryOptions,
} from './run-directory.js';
export type { RunEvent, RunEventType, UsageTotals } from './run-events.js';
export { type ListedStatus, listRuns, type RunListing } from './run-listing.js';
export { parseRunLog, type RunLog, readRunLog } from './run-log.js';
export { processAlive, type RunRecord, type RunStatus, readRunRecord } from './run-record.js';
export type { AbsentSubtask } from './run-state.js';
export type { SubtaskRecord } from './run-summary.js';
export { runSeverity } from './subtask-gates.js';
export {
  type CaseOutcome,
  type ChainTestOptions,
  type ChainTestResult,
  subtaskModels,
  testChain,
} from './test-chain.js';
