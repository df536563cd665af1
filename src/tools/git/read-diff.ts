/**
 * The shape `git_show` and `git_diff` share: per-file line counts (numstat), the
 * totals, and the patch, each cut to the result's limits with a note saying so.
 */
import type { JsonValue } from '../../provider/spec.js';
import type { ToolContext } from '../tool.js';
import { type GitToolSettings, gitListing, gitPatch } from './git-tool-settings.js';
import { truncateText } from './truncate-text.js';

export interface DiffCommand {
  /** The command and its own options, such as `['diff']` or `['show', '--format=']`. */
  command: readonly string[];
  /** What follows the diff options: `--end-of-options`, revisions, `--`, paths. */
  operands: readonly string[];
}

// External diff drivers and textconv filters are programs the checkout's config names.
const safeDiffOptions = ['--no-ext-diff', '--no-textconv', '--no-color'];

interface FileStat {
  path: string;
  additions: number | null;
  deletions: number | null;
}

function parseNumstat(text: string, complete: boolean): FileStat[] {
  const lines = text.split('\n');
  // A cut listing ends in a partial line.
  if (!complete) lines.pop();
  const files: FileStat[] = [];
  for (const line of lines) {
    const [added, deleted, ...rest] = line.split('\t');
    if (added === undefined || deleted === undefined || rest.length === 0) continue;
    // Binary files have no line counts: git prints "-".
    files.push({
      path: rest.join('\t'),
      additions: added === '-' ? null : Number(added),
      deletions: deleted === '-' ? null : Number(deleted),
    });
  }
  return files;
}

export async function readDiff(
  repository: string,
  diff: DiffCommand,
  settings: GitToolSettings,
  context: ToolContext,
): Promise<{ [key: string]: JsonValue }> {
  const numstat = await gitListing(
    repository,
    [...diff.command, '--numstat', ...safeDiffOptions, ...diff.operands],
    settings,
    context,
  );
  const patch = await gitPatch(
    repository,
    [...diff.command, '--patch', ...safeDiffOptions, ...diff.operands],
    settings,
    context,
  );
  const files = parseNumstat(numstat.stdout, !numstat.truncated);
  const notes: string[] = [];
  if (numstat.truncated) notes.push('the file list was cut: the change touches very many files');
  if (files.length > settings.maxFiles) {
    notes.push(`${files.length - settings.maxFiles} more files not listed; pass path to narrow`);
  }
  const patchText =
    patch.truncated && patch.stdout.length <= settings.maxPatchChars
      ? `${patch.stdout}… [truncated: the patch is larger than the output cap]`
      : truncateText(patch.stdout, settings.maxPatchChars);
  if (patch.truncated || patch.stdout.length > settings.maxPatchChars) {
    notes.push(`patch cut at ${settings.maxPatchChars} characters; pass path to see one file`);
  }
  const stat: { [key: string]: JsonValue } = {
    files: files.length,
    additions: files.reduce((sum, file) => sum + (file.additions ?? 0), 0),
    deletions: files.reduce((sum, file) => sum + (file.deletions ?? 0), 0),
  };
  return {
    stat,
    files: files.slice(0, settings.maxFiles).map((file) => ({ ...file })),
    patch: patchText,
    ...(notes.length > 0 ? { notes } : {}),
  };
}
