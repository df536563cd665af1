/** `git_show`: one commit's metadata, its per-file stat and its patch (merges: against the first parent). */
import type { Tool } from '../tool.js';
import { rejectOptionLike } from './check-ref-name.js';
import { resolveRepository } from './git-repository.js';
import { repositoryProperty, revisionProperty } from './git-schema.js';
import { type GitToolSettings, gitListing } from './git-tool-settings.js';
import { readDiff } from './read-diff.js';
import { optionalString, requiredString, toolInput } from './tool-input.js';
import { truncateText } from './truncate-text.js';

const maxMessageChars = 2_000;
const fieldSeparator = '\u001f';

export function gitShowTool(settings: GitToolSettings): Tool {
  return {
    name: 'git_show',
    description:
      'One commit of a local git checkout: sha, parents, author, dates, message, files changed with ' +
      `added/deleted lines, and the patch (cut at ${settings.maxPatchChars} characters). ` +
      'A merge is shown against its first parent: what the merge brought in.',
    effect: 'read',
    inputSchema: {
      type: 'object',
      properties: {
        repository: repositoryProperty,
        revision: revisionProperty(
          'The commit: a sha, branch, tag or an expression such as HEAD~2.',
        ),
      },
      required: ['revision'],
      additionalProperties: false,
    },
    async run(rawInput, context) {
      const input = toolInput(rawInput);
      const repository = await resolveRepository(
        optionalString(input, 'repository'),
        settings.repository,
      );
      const revision = rejectOptionLike(requiredString(input, 'revision'), 'revision');
      const operands = ['--end-of-options', `${revision}^{commit}`, '--'];
      const metadata = await gitListing(
        repository,
        [
          'show',
          '--no-patch',
          '--format=%H%x1f%P%x1f%an <%ae>%x1f%aI%x1f%cn%x1f%cI%x1f%B',
          ...operands,
        ],
        settings,
        context,
      );
      const [
        sha = '',
        parents = '',
        author = '',
        date = '',
        committer = '',
        committedAt = '',
        ...message
      ] = metadata.stdout.split(fieldSeparator);
      const diff = await readDiff(
        repository,
        { command: ['show', '--format=', '--diff-merges=first-parent'], operands },
        settings,
        context,
      );
      return {
        sha,
        parents: parents.split(' ').filter((parent) => parent !== ''),
        author,
        date,
        ...(committer !== author.replace(/ <.*>$/, '') || committedAt !== date
          ? { committer, committed_at: committedAt }
          : {}),
        message: truncateText(message.join(fieldSeparator).trim(), maxMessageChars),
        ...diff,
      };
    },
  };
}
