/**
 * Runs the real `git` binary: execFile, never a shell, so no argument is ever
 * parsed twice. Every call has a time limit and an output cap; output beyond the
 * cap is cut (the process is stopped) and flagged rather than failing the call,
 * since a partial diff is still useful to the model.
 */
import { execFile } from 'node:child_process';

export interface GitRunOptions {
  signal: AbortSignal;
  /** Wall-clock limit for the one git process. */
  timeoutMs: number;
  /** Bytes of stdout kept; the process is stopped beyond it. */
  maxBytes: number;
}

export interface GitOutput {
  stdout: string;
  /** True when stdout hit `maxBytes` and was cut. */
  truncated: boolean;
}

/**
 * Settings every call carries, whatever the checkout's own config says: no pager,
 * paths printed as they are, and none of the config-driven hooks (fsmonitor,
 * reference-transaction hooks) that would run a program from the repository.
 */
const fixedArguments = [
  '--no-pager',
  '-c',
  'core.quotepath=off',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'color.ui=false',
];

/**
 * The caller's environment minus GIT_* variables: a GIT_DIR or GIT_WORK_TREE left
 * by a hook or a shell would point every command at another repository.
 */
function gitEnvironment(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_')) environment[key] = value;
  }
  return { ...environment, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
}

interface ExecFailure {
  code?: string | number | null;
  killed?: boolean;
  signal?: string | null;
  message?: string;
}

function describeFailure(
  repository: string,
  error: ExecFailure,
  stderr: string,
  args: readonly string[],
  timeoutMs: number,
): Error {
  const command = `git ${args[0] ?? ''}`.trim();
  if (error.code === 'ENOENT') return new Error('the git binary was not found on PATH');
  if (error.killed === true && error.signal !== null) {
    return new Error(`${command} took longer than ${timeoutMs / 1000} s and was stopped`);
  }
  const detail = stderr.trim().split('\n').slice(0, 5).join('\n').slice(0, 800);
  if (/not a git repository/i.test(detail)) {
    return new Error(
      `${repository} is not a git repository (nor is any parent directory): point repository, tools.git.repository or WARROOM_GIT_REPO at a checkout`,
    );
  }
  return new Error(`${command} failed: ${detail || error.message || 'no message'}`);
}

export function runGit(
  repository: string,
  args: readonly string[],
  options: GitRunOptions,
): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...fixedArguments, ...args],
      {
        cwd: repository,
        env: gitEnvironment(),
        encoding: 'utf8',
        maxBuffer: options.maxBytes,
        timeout: options.timeoutMs,
        signal: options.signal,
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ stdout, truncated: false });
          return;
        }
        if (options.signal.aborted) {
          reject(options.signal.reason ?? error);
          return;
        }
        // Node stops the process and keeps what fit: a cut, not a failure.
        if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          resolve({ stdout, truncated: true });
          return;
        }
        reject(describeFailure(repository, error, stderr, args, options.timeoutMs));
      },
    );
  });
}
