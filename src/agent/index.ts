/**
 * agent/: the loop for one subtask — messages ↔ provider ↔ the persona's allowed
 * tools (live, or played back from fixtures), limits on turns and tokens, the
 * approval hook for write tools, output extraction and validation, repair turns.
 * Knows nothing of the DAG or the CLI.
 */
export type { AgentEvent, SubtaskLimitReason } from './agent-event.js';
export { executeToolCalls, type ToolTurn } from './execute-tool-calls.js';
export {
  createLiveToolSession,
  type LiveToolSessionOptions,
  type ToolContextBase,
  type WriteCall,
} from './live-tool-session.js';
export { OutputInvalidError } from './output-invalid-error.js';
export {
  createPlaybackToolSession,
  type PlaybackToolSessionOptions,
} from './playback-tool-session.js';
export {
  defaultMaxTurns,
  runSubtask,
  type SubtaskAnswer,
  type SubtaskCall,
} from './run-subtask.js';
export { type SubtaskLimitCode, SubtaskLimitError } from './subtask-limit-error.js';
export { type CheckedOutput, checkReply, type OutputSpec } from './subtask-output-check.js';
export { SubtaskPause, type SubtaskProgress } from './subtask-pause.js';
export {
  type ToolCallContext,
  type ToolCallOutcome,
  type ToolCallStatus,
  type ToolSession,
  toolDataResult,
  toolErrorResult,
} from './tool-session.js';
