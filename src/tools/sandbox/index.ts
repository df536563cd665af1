/**
 * tools/sandbox/: `run_code`, which runs model-written Python or Node.js inside
 * Debian's bubblewrap. Owns the bwrap command line, the per-call limits and
 * their cgroups, and the self-check. Knows nothing of chains, the engine, the
 * agent loop or the CLI.
 *
 * What the sandbox guarantees, on Linux with bubblewrap ≥ 0.8:
 * - Every namespace is private: no network but its own `lo` (so no host
 *   loopback services, no internet, no DNS), its own PIDs, hostname and IPC.
 * - The program runs as uid/gid 65534 with no capabilities and cannot create
 *   further user namespaces; when warroom runs as root, bwrap itself is started
 *   as nobody, so even an escape lands as nobody, not root.
 * - The file system is /usr read-only, a minimal /dev and /proc, the code as a
 *   read-only file, and a size-capped tmpfs /tmp: the only writable place, new
 *   and empty for every call. The host's /etc, home, working directories and
 *   repositories are absent, not merely unreadable.
 * - The environment is cleared (PATH, HOME, TMPDIR, LANG, and PWD from bwrap);
 *   descriptors other than stdin/stdout/stderr are closed.
 * - Limits: wall time (SIGKILL timer), CPU seconds (RLIMIT_CPU), memory (a
 *   cgroup v1 memory group, else RLIMIT_DATA; node's heap is capped as well),
 *   processes and threads (a cgroup v1 pids group, else RLIMIT_NPROC), output
 *   bytes (killed past the cap). The result names the mechanism used for each.
 * - Nothing outlives a call: the sandbox dies with bwrap, and the call's
 *   cgroups are emptied and removed before the result is returned.
 * - Without working bubblewrap (missing, too old, user namespaces disabled) the
 *   tool refuses; it never runs code unsandboxed.
 *
 * What it does not guarantee:
 * - Protection from kernel bugs: there is no seccomp filter, and the sandbox
 *   shares the host kernel.
 * - Secrecy of /usr or of system facts: anything installed under /usr is
 *   readable, and /proc shows the host's CPU, memory and kernel version.
 * - Exact accounting without cgroups: RLIMIT_CPU is per process, RLIMIT_DATA
 *   is per process, and RLIMIT_NPROC counts all processes of the same user.
 * - A precise cause for every death: a program that exits 128 + n itself is
 *   reported as killed by signal n.
 * - Determinism: time, randomness and CPU speed are the host's.
 */
export { checkSandbox, type SandboxCheck } from './check-sandbox.js';
export { createSandboxTools } from './create-sandbox-tools.js';
export type { MemoryMechanism, ProcessMechanism, SandboxLanguage } from './launch-command.js';
export type { AppliedLimits, KillReason, RunCodeRequest, RunCodeResult } from './run-code.js';
export { runCode } from './run-code.js';
export {
  maxCodeBytes,
  maxStdinBytes,
  parseRunCodeInput,
  runCodeInputSchema,
} from './run-code-input.js';
export { resolveSandboxHost, type SandboxDeps, type SandboxHost } from './sandbox-host.js';
export {
  defaultSandboxLimits,
  resolveSandboxLimits,
  type SandboxConfig,
  type SandboxLimits,
} from './sandbox-limits.js';
export { SandboxUnavailableError } from './sandbox-unavailable-error.js';
