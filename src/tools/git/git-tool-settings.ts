/**
 * What every git tool shares: the configured checkout, the clock for relative
 * times, and the limits that keep one call cheap and its result small.
 */
import type { ToolContext } from '../tool.js';
import { type GitOutput, runGit } from './run-git.js';

export interface GitToolSettings {
  /** The configured checkout; a tool's `repository` input wins over it. */
  repository: string | undefined;
  now: () => Date;
  /** Per git process. */
  timeoutMs: number;
  /** Characters of patch text in one result. */
  maxPatchChars: number;
  /** Files listed in one result's stat. */
  maxFiles: number;
}

export const defaultGitLimits = {
  timeoutMs: 15_000,
  maxPatchChars: 20_000,
  maxFiles: 100,
} as const;

/** Metadata and stat output stay far below this; only a runaway repository reaches it. */
const listingBytes = 4 * 1024 * 1024;

export function gitListing(
  repository: string,
  args: readonly string[],
  settings: GitToolSettings,
  context: ToolContext,
): Promise<GitOutput> {
  return runGit(repository, args, {
    signal: context.signal,
    timeoutMs: settings.timeoutMs,
    maxBytes: listingBytes,
  });
}

/** A patch is read only a little past what the result keeps, so a huge diff stops early. */
export function gitPatch(
  repository: string,
  args: readonly string[],
  settings: GitToolSettings,
  context: ToolContext,
): Promise<GitOutput> {
  return runGit(repository, args, {
    signal: context.signal,
    timeoutMs: settings.timeoutMs,
    maxBytes: settings.maxPatchChars * 4 + 4096,
  });
}
