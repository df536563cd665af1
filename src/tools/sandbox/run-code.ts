/**
 * One `run_code` call: cgroups, launch, watch, clean up, then read what
 * happened into a result the model can act on (why the program stopped, which
 * mechanism enforced each limit). Assumes the self-check has passed.
 */
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { WarroomError } from '../../errors.js';
import { openCgroupJail } from './cgroup-jail.js';
import {
  interpreterCommand,
  launchCommand,
  launcherFailureMarker,
  type MemoryMechanism,
  type ProcessMechanism,
  type SandboxLanguage,
  scriptPath,
} from './launch-command.js';
import { callIdPattern, type SandboxHost } from './sandbox-host.js';
import type { SandboxLimits } from './sandbox-limits.js';
import { runSandboxedProcess, type SandboxedProcessOutcome } from './sandboxed-process.js';

export interface RunCodeRequest {
  language: SandboxLanguage;
  code: string;
  stdin?: string;
  timeoutSeconds?: number;
}

export type KillReason = 'wall-time' | 'cpu-time' | 'memory' | 'output';

export interface AppliedLimits extends SandboxLimits {
  enforcedBy: {
    cpu: 'rlimit-cpu';
    wall: 'kill-timer';
    memory: MemoryMechanism;
    processes: ProcessMechanism;
    output: 'kill-on-overflow';
  };
}

export interface RunCodeResult {
  /** The program's exit status; 128 + n when signal n ended it; null when warroom killed the sandbox. */
  exitCode: number | null;
  signal: string | null;
  /** The wall or CPU time limit ended the program. */
  timedOut: boolean;
  killedFor?: KillReason;
  /** Forks were refused at the process limit (null when the mechanism cannot tell). */
  processLimitReached: boolean | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
  limits: AppliedLimits;
}

const mib = 1024 * 1024;

export async function runCode(
  request: RunCodeRequest,
  host: SandboxHost,
  limits: SandboxLimits,
  signal?: AbortSignal,
): Promise<RunCodeResult> {
  signal?.throwIfAborted();
  const callId = host.newCallId();
  if (!callIdPattern.test(callId)) throw new Error(`bad sandbox call id ${JSON.stringify(callId)}`);
  checkInterpreter(request.language, host);
  const wallSeconds = Math.min(request.timeoutSeconds ?? limits.wallSeconds, limits.wallSeconds);
  const applied = { ...limits, wallSeconds };
  const jail = await openCgroupJail(host.cgroupRoot, `warroom-run-code-${callId}`, {
    memoryBytes: limits.memoryMb * mib,
    processes: limits.processes,
  });
  const memoryBy: MemoryMechanism = jail.memory ? 'cgroup-v1' : 'rlimit-data';
  const processesBy: ProcessMechanism = jail.processes ? 'cgroup-v1' : 'rlimit-nproc';
  let outcome: SandboxedProcessOutcome;
  let oomKills: number;
  let processLimitHits: number | null;
  try {
    const script = scriptPath(callId, request.language);
    const argv = launchCommand({
      host,
      callId,
      limits: applied,
      cgroupProcsFiles: jail.procsFiles,
      memoryBy,
      processesBy,
      command: interpreterCommand(request.language, script, host, applied),
      bindNode: request.language === 'node' && host.nodeSandboxPath !== host.nodeHostPath,
      language: request.language,
    });
    outcome = await runSandboxedProcess(argv, {
      script: request.code,
      ...(request.stdin === undefined ? {} : { stdin: request.stdin }),
      wallMs: wallSeconds * 1000,
      outputBytes: limits.outputBytes,
      ...(signal === undefined ? {} : { signal }),
      now: host.now,
    });
    oomKills = await jail.oomKills();
    processLimitHits = await jail.processLimitHits();
  } finally {
    // Also the leftover check: throws if anything in the groups outlives SIGKILL.
    await jail.release();
  }
  if (outcome.stoppedFor === 'abort') signal?.throwIfAborted();
  checkStarted(outcome);
  const status = exitStatus(outcome);
  const killedFor = killReason(request.language, outcome, status.signal, oomKills);
  return {
    exitCode: status.exitCode,
    signal: status.signal,
    timedOut: killedFor === 'wall-time' || killedFor === 'cpu-time',
    ...(killedFor === undefined ? {} : { killedFor }),
    processLimitReached: processLimitHits === null ? null : processLimitHits > 0,
    stdout: outcome.output.text('stdout'),
    stderr: outcome.output.text('stderr'),
    truncated: outcome.output.truncated,
    durationMs: outcome.durationMs,
    limits: {
      ...applied,
      enforcedBy: {
        cpu: 'rlimit-cpu',
        wall: 'kill-timer',
        memory: memoryBy,
        processes: processesBy,
        output: 'kill-on-overflow',
      },
    },
  };
}

function checkInterpreter(language: SandboxLanguage, host: SandboxHost): void {
  if (language === 'python') {
    // Only /usr is visible inside; a pyenv or venv python would not start there.
    if (!host.pythonPath.startsWith('/usr/') || !existsSync(host.pythonPath)) {
      throw new WarroomError({
        code: 'TOOL_DENIED',
        message: `run_code cannot run python: no system python at ${host.pythonPath} (apt-get install python3-minimal)`,
        userError: true,
      });
    }
  } else if (host.nodeHostPath === null) {
    throw new WarroomError({
      code: 'TOOL_DENIED',
      message: 'run_code cannot run node: no node binary found (apt-get install nodejs)',
      userError: true,
    });
  }
}

/** A sandbox that never came up is warroom's failure, not the program's: say so instead of reporting an exit code. */
function checkStarted(outcome: SandboxedProcessOutcome): void {
  if (outcome.stoppedFor !== null) return;
  const stderr = outcome.output.text('stderr');
  if (outcome.started && !(outcome.code === 125 && stderr.startsWith(launcherFailureMarker))) {
    return;
  }
  throw new Error(`the sandbox did not start (exit ${outcome.code}): ${stderr.trim()}`);
}

function exitStatus(outcome: SandboxedProcessOutcome): {
  exitCode: number | null;
  signal: string | null;
} {
  if (outcome.code === null) return { exitCode: null, signal: outcome.signal };
  // bwrap's PID 1 reports a signalled program as 128 + n, the shell convention.
  const number = outcome.code - 128;
  const name = Object.entries(constants.signals).find(([, value]) => value === number)?.[0];
  return { exitCode: outcome.code, signal: outcome.code > 128 && name ? name : null };
}

function killReason(
  language: SandboxLanguage,
  outcome: SandboxedProcessOutcome,
  signal: string | null,
  oomKills: number,
): KillReason | undefined {
  if (outcome.stoppedFor === 'wall-time' || outcome.stoppedFor === 'output') {
    return outcome.stoppedFor;
  }
  if (oomKills > 0) return 'memory';
  if (signal === 'SIGXCPU') return 'cpu-time';
  const stderr = outcome.output.text('stderr');
  // The interpreters' own allocation failures: V8's heap ceiling (abort), or a
  // refused malloc under RLIMIT_DATA or overcommit (Python's MemoryError).
  if (language === 'node' && signal === 'SIGABRT' && stderr.includes('out of memory')) {
    return 'memory';
  }
  if (language === 'python' && outcome.code === 1 && lastLine(stderr).startsWith('MemoryError')) {
    return 'memory';
  }
  return undefined;
}

function lastLine(text: string): string {
  const lines = text.trimEnd().split('\n');
  return lines[lines.length - 1] ?? '';
}
