/**
 * `git_create_branch` (write): a new local branch at a revision. Only the ref is
 * written; HEAD, the index and the working tree stay as they are, so an operator's
 * checkout is never switched under them.
 */
import type { Tool } from '../tool.js';
import { checkBranchName, rejectOptionLike } from './check-ref-name.js';
import { resolveRepository } from './git-repository.js';
import { repositoryProperty, revisionProperty } from './git-schema.js';
import { type GitToolSettings, gitListing } from './git-tool-settings.js';
import { optionalString, requiredString, toolInput } from './tool-input.js';

export function gitCreateBranchTool(settings: GitToolSettings): Tool {
  return {
    name: 'git_create_branch',
    description:
      'Creates a local branch in a git checkout at a revision, without checking it out ' +
      '(the working tree is not touched). Fails if the branch exists. Needs approval.',
    effect: 'write',
    inputSchema: {
      type: 'object',
      properties: {
        repository: repositoryProperty,
        branch: {
          type: 'string',
          minLength: 1,
          maxLength: 200,
          pattern: '^[^-]',
          description: 'The new branch name, such as hotfix/INC-1234-revert-pool-size.',
        },
        from: revisionProperty('Where the branch starts: a sha, branch or tag.'),
      },
      required: ['branch', 'from'],
      additionalProperties: false,
    },
    async run(rawInput, context) {
      const input = toolInput(rawInput);
      const repository = await resolveRepository(
        optionalString(input, 'repository'),
        settings.repository,
      );
      const branch = checkBranchName(requiredString(input, 'branch'));
      const from = rejectOptionLike(requiredString(input, 'from'), 'from');
      const resolved = await gitListing(
        repository,
        ['rev-parse', '--verify', '--end-of-options', `${from}^{commit}`],
        settings,
        context,
      ).catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`from ${JSON.stringify(from)} is not a commit in ${repository}: ${reason}`);
      });
      const sha = resolved.stdout.trim();
      // Starting from the sha, not the name, so no upstream tracking is configured.
      await gitListing(repository, ['branch', '--no-track', '--', branch, sha], settings, context);
      return { action: 'created branch', ref: `refs/heads/${branch}`, sha, from, repository };
    },
  };
}
