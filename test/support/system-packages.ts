/**
 * Tests that need a system program install its Debian package when it is missing,
 * so the README's test command works on a fresh machine (you are root there).
 * A program that cannot be installed fails the test with the reason; it is never
 * skipped silently.
 */
import { execFileSync, spawnSync } from 'node:child_process';

/** Debian package → the program it provides. */
export const systemPackages = {
  prometheus: '/usr/bin/prometheus',
  'prometheus-alertmanager': '/usr/bin/prometheus-alertmanager',
  bubblewrap: '/usr/bin/bwrap',
  git: '/usr/bin/git',
  tmux: '/usr/bin/tmux',
} as const;

export type SystemPackage = keyof typeof systemPackages;

function present(program: string): boolean {
  return spawnSync('test', ['-x', program]).status === 0;
}

let updated = false;

export function ensureSystemPackages(...packages: SystemPackage[]): void {
  const missing = packages.filter((name) => !present(systemPackages[name]));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing system packages ${missing.join(', ')}: install them (apt-get install -y ${missing.join(' ')})`,
    );
  }
  const options = {
    stdio: 'pipe' as const,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 600_000,
  };
  if (!updated) {
    execFileSync('apt-get', ['update'], options);
    updated = true;
  }
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], options);
  const still = missing.filter((name) => !present(systemPackages[name]));
  if (still.length > 0)
    throw new Error(`apt-get installed ${still.join(', ')} but their programs are still missing`);
}
