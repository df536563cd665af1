/**
 * Shared parts of the sandbox tests: a run_code tool with small limits whose
 * call ids carry a marker, and the leftover check that looks for that marker in
 * every process's command line and in the cgroup trees.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { JsonValue } from '../../../src/provider/spec.js';
import { createSandboxTools, type SandboxDeps } from '../../../src/tools/sandbox/index.js';
import type { Tool, ToolContext } from '../../../src/tools/tool.js';

/** Small limits keep the hostile tests fast: each runaway costs at most a second or three. */
export const testLimits = { cpuSeconds: 1, wallSeconds: 3, memoryMb: 64, outputBytes: 4096 };

export interface SandboxUnderTest {
  tool: Tool;
  /** In every call id, hence in the command line of every process the sandbox starts. */
  marker: string;
  run(input: JsonValue, signal?: AbortSignal): Promise<RunResult>;
}

export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  killedFor?: string;
  processLimitReached: boolean | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
  limits: {
    memoryMb: number;
    enforcedBy: { memory: string; processes: string; cpu: string; wall: string };
  };
}

export function sandboxUnderTest(deps: SandboxDeps = {}): SandboxUnderTest {
  const marker = `wrsbx${randomBytes(5).toString('hex')}`;
  let calls = 0;
  const [tool] = createSandboxTools(testLimits, {
    newCallId: () => `${marker}-${++calls}`,
    ...deps,
  });
  if (tool === undefined) throw new Error('createSandboxTools returned no tool');
  return {
    tool,
    marker,
    async run(input, signal = new AbortController().signal) {
      const context: ToolContext = { signal, run: 'sandbox-test', subtask: 1 };
      return (await tool.run(input, context)) as unknown as RunResult;
    },
  };
}

/** Processes whose command line holds the marker (the test's own `ps` never does). */
export function processesWith(marker: string): string[] {
  const listing = execFileSync('ps', ['-eo', 'pid=,user=,args='], { encoding: 'utf8' });
  return listing.split('\n').filter((line) => line.includes(marker));
}

export function cgroupsWith(marker: string): string[] {
  const found = execFileSync(
    'find',
    ['/sys/fs/cgroup/memory', '/sys/fs/cgroup/pids', '-maxdepth', '4', '-name', `*${marker}*`],
    { encoding: 'utf8' },
  );
  return found.split('\n').filter((line) => line !== '');
}

/** Nothing a call started may outlive it: no process, no cgroup. */
export function expectNoLeftovers(marker: string): void {
  expect(processesWith(marker)).toEqual([]);
  expect(cgroupsWith(marker)).toEqual([]);
}
