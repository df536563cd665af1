/**
 * The limits one `run_code` call runs under, resolved from `tools.sandbox` in the
 * config. Defaults match the example in tools-config.ts so an operator who sets
 * nothing gets the documented behaviour.
 */
import type { ToolsConfig } from '../tools-config.js';

export type SandboxConfig = ToolsConfig['sandbox'];

export interface SandboxLimits {
  /** CPU seconds per process (RLIMIT_CPU), rounded up to whole seconds. */
  cpuSeconds: number;
  /** The most a call may last, and the default when the model asks for no timeout. */
  wallSeconds: number;
  memoryMb: number;
  /** stdout and stderr together; past this the process is killed. */
  outputBytes: number;
  /** Processes and threads together (cgroup pids.max, or RLIMIT_NPROC). */
  processes: number;
}

export const defaultSandboxLimits: Readonly<SandboxLimits> = Object.freeze({
  cpuSeconds: 10,
  wallSeconds: 20,
  memoryMb: 256,
  outputBytes: 65_536,
  // Node alone starts about a dozen threads, and threads count against pids.max.
  processes: 64,
});

export function resolveSandboxLimits(config: SandboxConfig, processes?: number): SandboxLimits {
  return {
    cpuSeconds: Math.max(1, Math.ceil(config?.cpuSeconds ?? defaultSandboxLimits.cpuSeconds)),
    wallSeconds: config?.wallSeconds ?? defaultSandboxLimits.wallSeconds,
    memoryMb: config?.memoryMb ?? defaultSandboxLimits.memoryMb,
    outputBytes: config?.outputBytes ?? defaultSandboxLimits.outputBytes,
    processes: processes ?? defaultSandboxLimits.processes,
  };
}
