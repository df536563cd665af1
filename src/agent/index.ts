/**
 * agent/: the loop for one subtask — messages ↔ provider, output extraction and
 * validation, repair turns. Tools and approvals join here later. Knows nothing
 * of the DAG or the CLI.
 */
export {
  type AgentEvent,
  OutputInvalidError,
  runSubtask,
  type SubtaskAnswer,
  type SubtaskCall,
} from './run-subtask.js';
export { type CheckedOutput, checkReply, type OutputSpec } from './subtask-output-check.js';
