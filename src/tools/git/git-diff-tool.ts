/** `git_diff`: what changed between two revisions, as a stat and a patch. */
import type { Tool } from '../tool.js';
import { rejectOptionLike } from './check-ref-name.js';
import { resolveRepository } from './git-repository.js';
import { pathProperty, repositoryProperty, revisionProperty } from './git-schema.js';
import type { GitToolSettings } from './git-tool-settings.js';
import { readDiff } from './read-diff.js';
import { optionalString, requiredString, toolInput } from './tool-input.js';

export function gitDiffTool(settings: GitToolSettings): Tool {
  return {
    name: 'git_diff',
    description:
      'The difference between two revisions of a local git checkout (for example the last good ' +
      'release tag and the deployed sha): files changed with added/deleted lines, and the patch ' +
      `(cut at ${settings.maxPatchChars} characters; pass path to see one file or directory).`,
    effect: 'read',
    inputSchema: {
      type: 'object',
      properties: {
        repository: repositoryProperty,
        from: revisionProperty('The older revision: sha, branch or tag.'),
        to: revisionProperty('The newer revision: sha, branch or tag.'),
        path: pathProperty,
      },
      required: ['from', 'to'],
      additionalProperties: false,
    },
    async run(rawInput, context) {
      const input = toolInput(rawInput);
      const repository = await resolveRepository(
        optionalString(input, 'repository'),
        settings.repository,
      );
      const from = rejectOptionLike(requiredString(input, 'from'), 'from');
      const to = rejectOptionLike(requiredString(input, 'to'), 'to');
      const path = optionalString(input, 'path');
      const operands = [
        '--end-of-options',
        from,
        to,
        '--',
        ...(path === undefined ? [] : [rejectOptionLike(path, 'path')]),
      ];
      const diff = await readDiff(repository, { command: ['diff'], operands }, settings, context);
      return { from, to, ...(path === undefined ? {} : { path }), ...diff };
    },
  };
}
