/**
 * The command line that starts one sandboxed program, outermost first:
 *
 *   bash launcher → [setpriv, when root] → prlimit → bwrap → interpreter
 *
 * Each stage execs the next, so the process warroom spawned *is* bwrap by the
 * time the code runs: killing it (with `--die-with-parent` and a private PID
 * namespace) takes the whole sandbox down.
 */
import type { SandboxHost } from './sandbox-host.js';
import type { SandboxLimits } from './sandbox-limits.js';

export type SandboxLanguage = 'python' | 'node';
export type MemoryMechanism = 'cgroup-v1' | 'rlimit-data';
export type ProcessMechanism = 'cgroup-v1' | 'rlimit-nproc';

/** bwrap writes `{"child-pid": …}` here once the sandbox exists, so a setup failure is told apart from the code failing. */
export const statusFd = 3;
/** The code arrives on this descriptor and becomes a read-only file, never a command-line argument others could read in `ps`. */
export const scriptFd = 4;

export const nobody = 65_534;
const mib = 1024 * 1024;
// Node maps thread stacks and V8 reservations as private writable memory, which
// RLIMIT_DATA counts: below about 200 MiB it deadlocks at start instead of failing.
const nodeDataHeadroomMb = 192;

/**
 * Closes every descriptor above the ones the sandbox needs (a parent may have
 * leaked some without close-on-exec, and bwrap passes them on), joins the
 * call's cgroups while still privileged, then execs the rest of the chain.
 * 125 plus a marker line tells warroom the sandbox never started.
 */
const launcherScript = [
  `for fd in /proc/$$/fd/*; do fd=\${fd##*/}; [ "$fd" -gt ${scriptFd} ] && exec {fd}>&-; done`,
  'while [ "$1" != -- ]; do',
  '  echo $$ 2>/dev/null >"$1" || { echo "warroom-sandbox: cannot join cgroup $1" >&2; exit 125; }',
  '  shift',
  'done',
  'shift',
  'exec "$@"',
].join('\n');

export const launcherFailureMarker = 'warroom-sandbox:';

export interface LaunchPlan {
  host: SandboxHost;
  callId: string;
  limits: SandboxLimits;
  /** cgroup.procs files the launcher writes its pid into. */
  cgroupProcsFiles: string[];
  memoryBy: MemoryMechanism;
  processesBy: ProcessMechanism;
  /** What runs inside, e.g. from `interpreterCommand`. */
  command: string[];
  /** Whether node must be bound in from outside /usr. */
  bindNode: boolean;
  language: SandboxLanguage | 'self-check';
}

/** Where the script lives inside: read-only, outside the writable /tmp. The call id makes every sandbox process findable in `ps`. */
export function scriptPath(callId: string, language: SandboxLanguage): string {
  return `/code/${callId}/main.${language === 'python' ? 'py' : 'js'}`;
}

export function interpreterCommand(
  language: SandboxLanguage,
  script: string,
  host: SandboxHost,
  limits: SandboxLimits,
): string[] {
  if (language === 'python') {
    // -I: ignore PYTHON* variables and the user site; -B: /code is read-only anyway.
    return [host.pythonPath, '-I', '-B', script];
  }
  // RLIMIT_AS breaks node, so its heap gets its own ceiling as well as the cgroup's.
  return [host.nodeSandboxPath, `--max-old-space-size=${limits.memoryMb}`, script];
}

export function launchCommand(plan: LaunchPlan): string[] {
  const { host } = plan;
  return [
    host.bashPath,
    // bash reads ~/.bashrc when stdin is a socket (it takes it for rsh), and node's pipes are sockets.
    '--norc',
    '--noprofile',
    '-c',
    launcherScript,
    `warroom-sandbox-${plan.callId}`,
    ...plan.cgroupProcsFiles,
    '--',
    ...privilegeDrop(host),
    host.prlimitPath,
    ...rlimitOptions(plan),
    '--',
    host.bwrapPath,
    ...bwrapOptions(plan),
    '--',
    ...plan.command,
  ];
}

function privilegeDrop(host: SandboxHost): string[] {
  if (!host.dropToNobody) return [];
  // As root, bwrap's uid 65534 would map to root outside; as nobody, a process
  // that escaped the namespaces would still be nobody.
  return [
    host.setprivPath,
    `--reuid=${nobody}`,
    `--regid=${nobody}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--bounding-set=-all',
    '--',
  ];
}

function rlimitOptions(plan: LaunchPlan): string[] {
  const { cpuSeconds, memoryMb, processes } = plan.limits;
  // The soft limit sends SIGXCPU (reported as cpu-time); the hard one a second
  // later kills a program that caught it.
  const options = [`--cpu=${cpuSeconds}:${cpuSeconds + 1}`, '--core=0'];
  if (plan.memoryBy === 'rlimit-data') {
    const headroom = plan.language === 'node' ? nodeDataHeadroomMb : 0;
    options.push(`--data=${(memoryMb + headroom) * mib}`);
  }
  if (plan.processesBy === 'rlimit-nproc') options.push(`--nproc=${processes}`);
  return options;
}

function bwrapOptions(plan: LaunchPlan): string[] {
  const { host, limits } = plan;
  return [
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--uid',
    String(nobody),
    '--gid',
    String(nobody),
    '--cap-drop',
    'ALL',
    '--die-with-parent',
    '--new-session',
    '--hostname',
    'sandbox',
    '--ro-bind',
    '/usr',
    '/usr',
    '--symlink',
    'usr/bin',
    '/bin',
    '--symlink',
    'usr/lib',
    '/lib',
    '--symlink',
    'usr/lib64',
    '/lib64',
    ...(plan.bindNode && host.nodeHostPath !== null
      ? ['--ro-bind', host.nodeHostPath, host.nodeSandboxPath]
      : []),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    // tmpfs pages are memory: cap the scratch dir even where no cgroup counts them.
    '--size',
    String(limits.memoryMb * mib),
    '--tmpfs',
    '/tmp',
    ...(plan.language === 'self-check'
      ? []
      : ['--perms', '0444', '--file', String(scriptFd), scriptPath(plan.callId, plan.language)]),
    // Everything but /tmp read-only: bwrap's own root and /dev tmpfs are writable otherwise.
    '--remount-ro',
    '/dev',
    '--remount-ro',
    '/',
    '--chdir',
    '/tmp',
    '--clearenv',
    '--setenv',
    'PATH',
    '/usr/bin:/bin',
    '--setenv',
    'HOME',
    '/tmp',
    '--setenv',
    'TMPDIR',
    '/tmp',
    '--setenv',
    'LANG',
    'C.UTF-8',
    '--json-status-fd',
    String(statusFd),
  ];
}
