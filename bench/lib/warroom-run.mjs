// @ts-check
/** Runs a prepared chain through warroom's public runChain, failing loudly on a failed run. */
import { spawnSync } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as warroom from '../../dist/index.js';
import { benchProviderId } from './workspace.mjs';

/**
 * @typedef {import('../../dist/index.js').PreparedChain} PreparedChain
 * @typedef {import('../../dist/index.js').RunEvent} RunEvent
 * @typedef {import('../../dist/index.js').RunChainResult} RunChainResult
 */

/**
 * @typedef {(options: { home: string, out?: string, runId: string }) => Promise<unknown>} RunDirectoryFactory
 */

/**
 * @param {PreparedChain} prepared
 * @param {import('../../dist/index.js').ModelProvider} provider
 * @param {string} home the run directories go under `<home>/runs/`
 * @param {(event: RunEvent) => void} [onEvent]
 * @param {RunDirectoryFactory} [runDirectory] keeps the run directory elsewhere (in memory)
 * @returns {() => Promise<RunChainResult>}
 */
export function warroomRunner(prepared, provider, home, onEvent, runDirectory) {
  const providers = new Map([[benchProviderId, provider]]);
  return async () => {
    const result = await warroom.runChain(
      /** @type {import('../../dist/index.js').RunChainOptions} */ ({
        prepared,
        providers,
        home,
        ...(onEvent ? { onEvent } : {}),
        ...(runDirectory ? { runDirectory } : {}),
      }),
    );
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

/**
 * warroom's in-memory run directory, when this build has one and runChain takes it
 * (the `runDirectory` option): one probe run must go through the factory and leave
 * nothing on disk. Otherwise undefined, and the rows say so.
 * @param {PreparedChain} prepared
 * @param {import('../../dist/index.js').ModelProvider} provider
 * @returns {Promise<RunDirectoryFactory | undefined>}
 */
export async function memoryRunDirectory(prepared, provider) {
  /** @type {Record<string, unknown>} */
  const api = warroom;
  const exported = api.createMemoryRunDirectory;
  const create = /** @type {RunDirectoryFactory | undefined} */ (
    typeof exported === 'function'
      ? exported
      : await import('../../dist/engine/run-directory.js').then(
          (module) => /** @type {Record<string, unknown>} */ (module).createMemoryRunDirectory,
          () => undefined,
        )
  );
  if (typeof create !== 'function') return undefined;
  let used = 0;
  /** @type {RunDirectoryFactory} */
  const counting = (options) => {
    used += 1;
    return create(options);
  };
  const probeHome = await mkdtemp(join(tmpdir(), 'warroom-bench-memory-'));
  try {
    await warroomRunner(prepared, provider, probeHome, undefined, counting)();
    const onDisk = await access(join(probeHome, 'runs')).then(
      () => true,
      () => false,
    );
    return used > 0 && !onDisk ? create : undefined;
  } finally {
    await rm(probeHome, { recursive: true, force: true });
  }
}
