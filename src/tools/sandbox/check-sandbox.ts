/**
 * The self-check: builds the very sandbox a call gets (same launcher, same bwrap
 * options, rlimits instead of cgroups) around `id -u` and expects `65534`. It
 * proves bwrap exists, user namespaces work and the uid mapping holds, before
 * any model-written code is handed over.
 */
import { access, constants } from 'node:fs/promises';
import { launchCommand, nobody } from './launch-command.js';
import type { SandboxHost } from './sandbox-host.js';
import { runSandboxedProcess } from './sandboxed-process.js';

export type SandboxCheck = { ok: true } | { ok: false; reason: string };

const checkLimits = {
  cpuSeconds: 5,
  wallSeconds: 10,
  memoryMb: 256,
  outputBytes: 4_096,
  // Generous: RLIMIT_NPROC counts every process of the user, other sandboxes too.
  processes: 4_096,
};

export async function checkSandbox(host: SandboxHost): Promise<SandboxCheck> {
  const programs = [host.bwrapPath, host.prlimitPath, host.bashPath];
  if (host.dropToNobody) programs.push(host.setprivPath);
  for (const program of programs) {
    const runnable = await access(program, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (!runnable) return { ok: false, reason: `${program} is missing or not executable` };
  }
  try {
    const argv = launchCommand({
      host,
      callId: 'self-check',
      limits: checkLimits,
      cgroupProcsFiles: [],
      memoryBy: 'rlimit-data',
      processesBy: 'rlimit-nproc',
      command: ['/usr/bin/id', '-u'],
      bindNode: false,
      language: 'self-check',
    });
    const outcome = await runSandboxedProcess(argv, {
      wallMs: checkLimits.wallSeconds * 1000,
      outputBytes: checkLimits.outputBytes,
      now: host.now,
    });
    const stdout = outcome.output.text('stdout').trim();
    if (outcome.code === 0 && outcome.started && stdout === String(nobody)) return { ok: true };
    const stderr = outcome.output.text('stderr').trim();
    const status =
      outcome.stoppedFor === 'wall-time'
        ? `no answer within ${checkLimits.wallSeconds} s`
        : `exit ${outcome.code ?? outcome.signal}`;
    return {
      ok: false,
      reason: `the test sandbox did not run as uid ${nobody} (${status}${stdout ? `, stdout ${JSON.stringify(stdout)}` : ''}): ${stderr || 'no error output'}`,
    };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
