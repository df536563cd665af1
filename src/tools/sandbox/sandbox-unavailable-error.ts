/**
 * run_code refuses, rather than running code without isolation, when bubblewrap
 * is missing or fails its self-check. A setup problem the operator fixes, so it
 * is a user error (the CLI exits 2), never a reason to fall back.
 */
import { WarroomError } from '../../errors.js';

export class SandboxUnavailableError extends WarroomError {
  readonly reason: string;

  constructor(reason: string, cause?: unknown) {
    super({
      code: 'TOOL_DENIED',
      message:
        'run_code needs bubblewrap (apt-get install bubblewrap, version 0.8 or newer) and user ' +
        'namespaces enabled in the kernel; it never runs code unsandboxed. ' +
        `The sandbox self-check failed: ${reason}`,
      cause,
      userError: true,
    });
    this.name = 'SandboxUnavailableError';
    this.reason = reason;
  }
}
