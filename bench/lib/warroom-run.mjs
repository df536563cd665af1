// @ts-check
/** Runs a prepared chain through warroom's public runChain, failing loudly on a failed run. */
import { spawnSync } from 'node:child_process';
import { access, mkdtemp } from 'node:fs/promises';
import { runChain } from '../../dist/index.js';
import { benchProviderId } from './workspace.mjs';

/**
 * @typedef {import('../../dist/index.js').PreparedChain} PreparedChain
 * @typedef {import('../../dist/index.js').RunEvent} RunEvent
 * @typedef {import('../../dist/index.js').RunChainResult} RunChainResult
 */

/**
 * @param {PreparedChain} prepared
 * @param {import('../../dist/index.js').ModelProvider} provider
 * @param {string} home the run directories go under `<home>/runs/`
 * @param {(event: RunEvent) => void} [onEvent]
 * @returns {() => Promise<RunChainResult>}
 */
export function warroomRunner(prepared, provider, home, onEvent) {
  const providers = new Map([[benchProviderId, provider]]);
  return async () => {
    const result = await runChain({ prepared, providers, home, ...(onEvent ? { onEvent } : {}) });
    if (result.status !== 'succeeded') {
      throw new Error(`warroom run failed: ${JSON.stringify(result.failures)}`);
    }
    return result;
  };
}

/**
 * The file system a path lives on (`ext4`, `tmpfs`…), for the record.
 * @param {string} path
 */
export function fileSystemOf(path) {
  const result = spawnSync('df', ['--output=fstype', path], { encoding: 'utf8' });
  return result.status === 0 ? (result.stdout.trim().split('\n')[1] ?? 'unknown') : 'unknown';
}

/** A run home on tmpfs (/dev/shm) when the machine has one: the same writes, no disk. */
export async function tmpfsHome() {
  try {
    await access('/dev/shm');
    if (fileSystemOf('/dev/shm') !== 'tmpfs') return undefined;
    return await mkdtemp('/dev/shm/warroom-bench-');
  } catch {
    return undefined;
  }
}
