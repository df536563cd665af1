/**
 * Spawns a launch command and watches it: feeds the script and stdin, captures
 * output under the byte budget, and SIGKILLs the process group on the wall
 * timer, on overflow or on abort. Resolves once the process has exited and its
 * pipes are closed; it never decides what the outcome means.
 */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { CapturedOutput } from './captured-output.js';
import { scriptFd, statusFd } from './launch-command.js';

export type StopReason = 'wall-time' | 'output' | 'abort';

export interface SandboxedProcessOptions {
  script?: string;
  stdin?: string;
  wallMs: number;
  outputBytes: number;
  signal?: AbortSignal;
  now: () => number;
}

export interface SandboxedProcessOutcome {
  /** bwrap's exit status: the program's, or 128 + n when signal n ended it. */
  code: number | null;
  /** Set when warroom's own SIGKILL ended bwrap. */
  signal: NodeJS.Signals | null;
  stoppedFor: StopReason | null;
  output: CapturedOutput;
  /** bwrap reported the sandbox's child pid: the namespaces were built. */
  started: boolean;
  durationMs: number;
}

// After bwrap exits its pipes close at once (the PID namespace dies with it);
// this only guards against a descriptor that leaked out some other way.
const pipeGraceMs = 2_000;
const statusLimit = 4_096;

export function runSandboxedProcess(
  argv: readonly string[],
  options: SandboxedProcessOptions,
): Promise<SandboxedProcessOutcome> {
  const [program, ...args] = argv;
  if (program === undefined) return Promise.reject(new Error('empty launch command'));
  return new Promise((resolve, reject) => {
    const startedAt = options.now();
    const child = spawn(program, args, {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
      // Its own process group, so one kill reaches every stage of the launch chain.
      detached: true,
      env: { PATH: '/usr/bin:/bin' },
      cwd: '/',
    });
    const output = new CapturedOutput(options.outputBytes);
    let stoppedFor: StopReason | null = null;
    let status = '';
    let settled = false;
    let grace: NodeJS.Timeout | undefined;

    const stop = (reason: StopReason): void => {
      if (stoppedFor !== null) return;
      stoppedFor = reason;
      killGroup(child.pid, () => child.kill('SIGKILL'));
    };
    const wall = setTimeout(() => stop('wall-time'), options.wallMs);
    const onAbort = (): void => stop('abort');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) stop('abort');
    const finish = (): void => {
      settled = true;
      clearTimeout(wall);
      clearTimeout(grace);
      options.signal?.removeEventListener('abort', onAbort);
    };

    child.stdout.on('data', (chunk: Buffer) => {
      if (!output.add('stdout', chunk)) stop('output');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (!output.add('stderr', chunk)) stop('output');
    });
    const statusPipe = child.stdio[statusFd] as Readable | null;
    statusPipe?.on('data', (chunk: Buffer) => {
      if (status.length < statusLimit) status += chunk.toString('utf8');
    });
    // A sandbox that dies early closes these pipes under us: EPIPE is not an error here.
    const scriptPipe = child.stdio[scriptFd] as Writable | null;
    scriptPipe?.on('error', () => {});
    scriptPipe?.end(options.script ?? '');
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');

    child.on('exit', () => {
      grace = setTimeout(() => {
        for (const stream of child.stdio) stream?.destroy();
      }, pipeGraceMs);
    });
    child.on('error', (error) => {
      if (settled) return;
      finish();
      killGroup(child.pid, () => {});
      reject(error);
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      finish();
      resolve({
        code,
        signal,
        stoppedFor,
        output,
        started: status.includes('"child-pid"'),
        durationMs: Math.round(options.now() - startedAt),
      });
    });
  });
}

function killGroup(pid: number | undefined, fallback: () => void): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    fallback();
  }
}
