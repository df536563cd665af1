/** `get_commit`: one commit's files with line counts and (cut) patches. */
import type { JsonValue } from '../../provider/spec.js';
import { optionalString, requiredString, toolInput } from '../git/tool-input.js';
import { PatchBudget, truncateText } from '../git/truncate-text.js';
import type { Tool } from '../tool.js';
import type { GitHubClient } from './github-client.js';
import { commitRefPattern, repositoryProperty } from './github-schema.js';

const maxFiles = 50;
const maxMessageChars = 2_000;
const patchBudget = { total: 16_000, perFile: 3_000 } as const;

export function getCommitTool(client: GitHubClient): Tool {
  return {
    name: 'get_commit',
    description:
      'One commit of a GitHub repository: message, author, date, totals, and the files changed with ' +
      `added/deleted lines and their patches (at most ${maxFiles} files; patches cut at ` +
      `${patchBudget.perFile} characters each, ${patchBudget.total} in all).`,
    effect: 'read',
    inputSchema: {
      type: 'object',
      properties: {
        repository: repositoryProperty,
        sha: {
          type: 'string',
          pattern: commitRefPattern,
          description: 'The commit sha (full or abbreviated), or a branch or tag name for its tip.',
        },
      },
      required: ['sha'],
      additionalProperties: false,
    },
    async run(rawInput, context) {
      const input = toolInput(rawInput);
      const { owner, repo } = client.repository(optionalString(input, 'repository'));
      const sha = requiredString(input, 'sha');
      if (sha.includes('..')) throw new Error('sha must name one commit, not a range');
      const octokit = await client.octokit();
      const { data } = await octokit.rest.repos.getCommit({
        owner,
        repo,
        ref: sha,
        request: client.request(context.signal),
      });
      const budget = new PatchBudget(patchBudget.total, patchBudget.perFile);
      const changed = data.files ?? [];
      const files: JsonValue[] = changed.slice(0, maxFiles).map((file) => ({
        path: file.filename,
        status: file.status,
        additions: file.additions,
        deletions: file.deletions,
        ...(file.previous_filename ? { previous_path: file.previous_filename } : {}),
        // GitHub leaves the patch out for binary and very large files.
        patch: file.patch === undefined ? null : budget.take(file.patch),
      }));
      return {
        sha: data.sha,
        message: truncateText(data.commit.message, maxMessageChars),
        author: data.author?.login ?? data.commit.author?.name ?? null,
        date: data.commit.committer?.date ?? data.commit.author?.date ?? null,
        url: data.html_url,
        stats: {
          files: changed.length,
          additions: data.stats?.additions ?? null,
          deletions: data.stats?.deletions ?? null,
        },
        files,
        ...(changed.length > maxFiles
          ? { note: `${changed.length - maxFiles} more files not shown` }
          : {}),
        ...client.readNotes(),
      };
    },
  };
}
