/**
 * Per-call cgroup v1 groups: `memory` (memory.limit_in_bytes, so a hog is
 * OOM-killed inside its group, not the host's biggest process) and `pids`
 * (pids.max, so a fork bomb stalls at a ceiling). Each group is created under the
 * cgroup warroom itself runs in, so limits set on warroom still apply. Where a
 * controller is missing or not writable (not root, cgroup v2 only) the caller
 * falls back to rlimits and says so in the result.
 *
 * `release()` is also the leftover check: it kills whatever is still in the
 * groups, waits until they are empty, and removes them.
 */
import { access, constants, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface CgroupJail {
  memory: boolean;
  processes: boolean;
  /** The launcher writes its own pid here before exec, so the whole tree is inside from the start. */
  procsFiles: string[];
  /** OOM kills in the memory group (0 without one). */
  oomKills(): Promise<number>;
  /** Forks refused by pids.max; null without a pids group. */
  processLimitHits(): Promise<number | null>;
  release(): Promise<void>;
}

export interface CgroupJailLimits {
  memoryBytes: number;
  processes: number;
}

const releaseDeadlineMs = 5_000;

export async function openCgroupJail(
  root: string | null,
  name: string,
  limits: CgroupJailLimits,
): Promise<CgroupJail> {
  const memoryDir =
    root === null
      ? null
      : await createGroup(root, 'memory', name, [
          ['memory.limit_in_bytes', String(limits.memoryBytes)],
          // Without swap accounting a hog could page out instead of being stopped.
          ['memory.memsw.limit_in_bytes', String(limits.memoryBytes), 'optional'],
        ]);
  const pidsDir =
    root === null
      ? null
      : await createGroup(root, 'pids', name, [['pids.max', String(limits.processes)]]);
  const dirs = [memoryDir, pidsDir].filter((dir): dir is string => dir !== null);
  return {
    memory: memoryDir !== null,
    processes: pidsDir !== null,
    procsFiles: dirs.map((dir) => join(dir, 'cgroup.procs')),
    async oomKills() {
      if (memoryDir === null) return 0;
      const control = await readFile(join(memoryDir, 'memory.oom_control'), 'utf8');
      const kills = /^oom_kill (\d+)$/m.exec(control);
      if (kills?.[1] !== undefined) return Number(kills[1]);
      // Kernels before 4.13 do not count kills; a failed charge is the next best sign.
      return Number((await readFile(join(memoryDir, 'memory.failcnt'), 'utf8')).trim());
    },
    async processLimitHits() {
      if (pidsDir === null) return null;
      const events = await readFile(join(pidsDir, 'pids.events'), 'utf8').catch(() => '');
      const hits = /^max (\d+)$/m.exec(events);
      return hits?.[1] === undefined ? null : Number(hits[1]);
    },
    async release() {
      await Promise.all(dirs.map((dir) => emptyAndRemove(dir)));
    },
  };
}

type Setting = [file: string, value: string, optional?: 'optional'];

async function createGroup(
  root: string,
  controller: string,
  name: string,
  settings: Setting[],
): Promise<string | null> {
  const mount = join(root, controller);
  const parent = await ownGroup(mount, controller);
  const dir = join(parent, name);
  try {
    await mkdir(dir);
  } catch {
    return null;
  }
  try {
    for (const [file, value, optional] of settings) {
      await writeFile(join(dir, file), value).catch((error: unknown) => {
        if (optional === undefined) throw error;
      });
    }
    await access(join(dir, 'cgroup.procs'), constants.W_OK);
    return dir;
  } catch {
    await rmdir(dir).catch(() => {});
    return null;
  }
}

/** The group this process is in, when it is visible under the mount; else the mount's root. */
async function ownGroup(mount: string, controller: string): Promise<string> {
  const lines = await readFile('/proc/self/cgroup', 'utf8').catch(() => '');
  for (const line of lines.split('\n')) {
    const [, controllers, path] = line.split(':');
    if (controllers === undefined || path === undefined) continue;
    if (!controllers.split(',').includes(controller)) continue;
    const candidate = join(mount, path);
    const usable = await access(candidate, constants.W_OK).then(
      () => true,
      () => false,
    );
    return usable ? candidate : mount;
  }
  return mount;
}

async function emptyAndRemove(dir: string): Promise<void> {
  const deadline = Date.now() + releaseDeadlineMs;
  for (;;) {
    const pids = await readPids(dir);
    if (pids.length === 0) {
      const removed = await rmdir(dir).then(
        () => true,
        (error: NodeJS.ErrnoException) => error.code === 'ENOENT',
      );
      if (removed) return;
    }
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone between reading and killing.
      }
    }
    if (Date.now() > deadline) {
      throw new Error(
        `sandbox processes ${pids.join(', ')} survived SIGKILL for ${releaseDeadlineMs} ms; cgroup ${dir} is left in place`,
      );
    }
    await sleep(20);
  }
}

async function readPids(dir: string): Promise<number[]> {
  const text = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(Number);
}
