/**
 * The host programs and paths the sandbox is built from. Every one can be
 * replaced through `SandboxDeps`, so tests can point at a missing bwrap or turn
 * cgroups off and watch the fallbacks, without touching global state.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';

export interface SandboxDeps {
  /** bubblewrap (Debian package `bubblewrap`); a path that does not work makes run_code refuse. */
  bwrapPath?: string;
  /** util-linux prlimit: sets the CPU, core and fallback limits before bwrap starts. */
  prlimitPath?: string;
  /** util-linux setpriv: drops root to nobody before bwrap when warroom runs as root. */
  setprivPath?: string;
  /** bash: the launcher that closes stray descriptors and joins the cgroups, then execs. */
  bashPath?: string;
  /** Where the cgroup v1 controllers are mounted; `null` forces the rlimit fallbacks. */
  cgroupRoot?: string | null;
  /** Must live under /usr: only /usr is visible inside the sandbox. */
  pythonPath?: string;
  /** Host path of node; outside /usr it is bound read-only at `/opt/node/bin/node`. */
  nodePath?: string;
  /** The processes-and-threads limit (default 64). */
  processLimit?: number;
  /** Run as root: drop to nobody (65534) outside the sandbox too (default: when uid is 0). */
  dropToNobody?: boolean;
  /** Names the call's cgroups and script path; tests use it to find leftovers. */
  newCallId?: () => string;
  now?: () => number;
}

export interface SandboxHost {
  bwrapPath: string;
  prlimitPath: string;
  setprivPath: string;
  bashPath: string;
  cgroupRoot: string | null;
  pythonPath: string;
  /** The node binary on the host, or null when there is none. */
  nodeHostPath: string | null;
  /** Where node is found inside the sandbox. */
  nodeSandboxPath: string;
  processLimit: number | undefined;
  dropToNobody: boolean;
  newCallId: () => string;
  now: () => number;
}

const boundNodePath = '/opt/node/bin/node';
export const callIdPattern = /^[A-Za-z0-9-]{1,64}$/;

function defaultNodePath(): string {
  // The system node shares /usr with the sandbox; a version-manager node is bound in.
  return existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath;
}

export function resolveSandboxHost(deps: SandboxDeps = {}): SandboxHost {
  const nodeHostPath = deps.nodePath ?? defaultNodePath();
  return {
    bwrapPath: deps.bwrapPath ?? '/usr/bin/bwrap',
    prlimitPath: deps.prlimitPath ?? '/usr/bin/prlimit',
    setprivPath: deps.setprivPath ?? '/usr/bin/setpriv',
    bashPath: deps.bashPath ?? '/bin/bash',
    cgroupRoot: deps.cgroupRoot === undefined ? '/sys/fs/cgroup' : deps.cgroupRoot,
    pythonPath: deps.pythonPath ?? '/usr/bin/python3',
    nodeHostPath: existsSync(nodeHostPath) ? nodeHostPath : null,
    nodeSandboxPath: nodeHostPath.startsWith('/usr/') ? nodeHostPath : boundNodePath,
    processLimit: deps.processLimit,
    dropToNobody: deps.dropToNobody ?? process.getuid?.() === 0,
    newCallId: deps.newCallId ?? (() => randomBytes(6).toString('hex')),
    now: deps.now ?? (() => performance.now()),
  };
}
