/**
 * Which checkout a git tool reads: the configured one (tools.git.repository /
 * WARROOM_GIT_REPO) — an input `repository` must name that same checkout — or,
 * when none is configured, the input's `repository` path. Checked to be an
 * existing directory first, because git started in a missing directory fails
 * with a message about the git binary instead.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { rejectOptionLike } from './check-ref-name.js';

export async function resolveRepository(
  fromInput: string | undefined,
  fromConfig: string | undefined,
): Promise<string> {
  // A configured checkout is the only one a model may read: an input path elsewhere is refused.
  if (
    fromInput !== undefined &&
    fromConfig !== undefined &&
    resolve(fromInput) !== resolve(fromConfig)
  ) {
    throw new Error(
      `repository ${fromInput} is not the configured checkout (${fromConfig}); omit repository`,
    );
  }
  const chosen = fromInput ?? fromConfig;
  if (chosen === undefined) {
    throw new Error(
      'no git repository: pass repository (a checkout path) or set tools.git.repository or WARROOM_GIT_REPO',
    );
  }
  const path = resolve(rejectOptionLike(chosen, 'repository'));
  const found = await stat(path).catch(() => undefined);
  if (found === undefined) throw new Error(`repository ${path} does not exist`);
  if (!found.isDirectory()) throw new Error(`repository ${path} is not a directory`);
  return path;
}
