/**
 * Exit codes: 0 ok, 1 run failed (or stopped on a budget), 2 bad definition, input or
 * usage, 3 the run is awaiting a decision (`warroom resume <run> --decide …`).
 */
export const exitCodes = { ok: 0, runFailed: 1, usage: 2, awaitingDecision: 3 } as const;

/** The exit code of a finished, failed, stopped or waiting run. */
export function runExitCode(status: string): number {
  if (status === 'succeeded') return exitCodes.ok;
  return status === 'awaiting-decision' ? exitCodes.awaitingDecision : exitCodes.runFailed;
}

/** Thrown by an action to end with an exit code after it has printed what it had to say. */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'CliExit';
  }
}
