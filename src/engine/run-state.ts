/** The state of one run, shared by the scheduler and the subtask runner. */

import type { Redactor } from '../fixture/index.js';
import type { SelectedModel } from './model-selection.js';
import type { RunChainOptions, RunFailure } from './run-chain.js';
import type { RunDirectory } from './run-directory.js';
import type { RunEvent } from './run-events.js';
import type { SubtaskRecord } from './run-summary.js';

export interface RunState {
  options: RunChainOptions;
  redactor: Redactor;
  directory: RunDirectory;
  clock: () => Date;
  models: Map<number, SelectedModel>;
  outputs: Map<number, unknown>;
  records: Map<number, SubtaskRecord>;
  failures: RunFailure[];
  started: Set<number>;
  /** An error that is not a run failure (a bug): the run winds down, then runChain rethrows it. */
  crash?: { error: unknown };
}

/**
 * Resolves every subtask's model first, and checks each provider's configuration:
 * an unavailable provider or a missing key fails before any call.
 */

/** Appends an event to the run log, then tells the listener (progress output). */
export async function emit(state: RunState, event: RunEvent): Promise<void> {
  await state.directory.appendEvent(event);
  state.options.onEvent?.(event);
}
