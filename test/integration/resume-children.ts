/**
 * The built CLI (`dist/cli/main.js`) as a real child process that a test can
 * SIGKILL at a chosen moment, and the loopback Anthropic backend answering the
 * incident chain with the hand-written replies while counting requests per subtask.
 * Children are spawned asynchronously: the backend lives in this process, so a
 * blocking spawn would leave the child's requests unanswered.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fakeSecrets } from '../support/fake-secrets.js';
import { handWrittenReplies, replyOf, repoRoot, subtaskOf } from './incident-project.js';
import { startWireBackend, type WireBackend } from './wire-backends.js';

export const apiKey = fakeSecrets.anthropic('resume');

export interface CliChild {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): { stdout: string; stderr: string };
}

export function startCli(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): CliChild {
  const child = spawn(process.execPath, [join(repoRoot, 'dist/cli/main.js'), ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal }));
    },
  );
  return { child, exited, output: () => ({ stdout, stderr }) };
}

export async function runCli(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const started = startCli(args, options);
  const { code } = await started.exited;
  return { code, ...started.output() };
}

export interface IncidentBackend {
  backend: WireBackend;
  /** Accepted requests per subtask. */
  requests: Map<number, number>;
  /** Called as each request arrives, before it is answered. */
  onRequest?: (subtask: number) => void;
}

/** Answers every subtask with its hand-written reply at once, counting requests. */
export async function startIncidentBackend(): Promise<IncidentBackend> {
  const replies = await handWrittenReplies();
  const state: Omit<IncidentBackend, 'backend'> = { requests: new Map() };
  const backend = await startWireBackend('anthropic', (request) => {
    const subtask = subtaskOf(request);
    if (subtask === undefined) return undefined;
    state.requests.set(subtask, (state.requests.get(subtask) ?? 0) + 1);
    state.onRequest?.(subtask);
    return { answer: replyOf(replies, subtask) };
  });
  return Object.assign(state, { backend });
}

/** Resolves once `events.jsonl` in `directory` holds an event matching `wanted`. */
export async function waitForEvent(
  directory: () => string | undefined,
  wanted: (event: Record<string, unknown>) => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const dir = directory();
    const text = dir ? await readFile(join(dir, 'events.jsonl'), 'utf8').catch(() => '') : '';
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        if (wanted(JSON.parse(line) as Record<string, unknown>)) return;
      } catch {
        // A line still being written.
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('timed out waiting for an event in events.jsonl');
}
