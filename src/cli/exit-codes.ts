/** Exit codes: 0 ok, 1 run failed, 2 bad definition, input or usage. */
export const exitCodes = { ok: 0, runFailed: 1, usage: 2 } as const;

/** Thrown by an action to end with an exit code after it has printed what it had to say. */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'CliExit';
  }
}
