/** `list_commits`: a repository's commits in a time window, newest first. */
import type { JsonValue } from '../../provider/spec.js';
import { resolveTime } from '../git/resolve-time.js';
import { limitOf, optionalString, toolInput } from '../git/tool-input.js';
import { compactMessage } from '../git/truncate-text.js';
import type { Tool } from '../tool.js';
import type { GitHubClient } from './github-client.js';
import {
  limitProperty,
  moreNote,
  pageParameters,
  repositoryProperty,
  timeProperty,
} from './github-schema.js';

const maxLimit = 100;
const defaultLimit = 30;
const maxBodyChars = 300;

export function listCommitsTool(client: GitHubClient): Tool {
  return {
    name: 'list_commits',
    description:
      'Commits of a GitHub repository (default branch), newest first: sha, message (subject and a short body), ' +
      'author, commit date, url. Filter by time window and path to find what changed before an incident.',
    effect: 'read',
    inputSchema: {
      type: 'object',
      properties: {
        repository: repositoryProperty,
        since: timeProperty('Only commits after this time.'),
        until: timeProperty('Only commits before this time.'),
        path: {
          type: 'string',
          minLength: 1,
          description: 'Only commits touching this file or directory.',
        },
        limit: limitProperty(maxLimit, defaultLimit),
      },
      additionalProperties: false,
    },
    async run(rawInput, context) {
      const input = toolInput(rawInput);
      const { owner, repo } = client.repository(optionalString(input, 'repository'));
      const limit = limitOf(input, maxLimit, defaultLimit);
      const since = optionalString(input, 'since');
      const until = optionalString(input, 'until');
      const path = optionalString(input, 'path');
      const now = client.now();
      const octokit = await client.octokit();
      const { data } = await octokit.rest.repos.listCommits({
        owner,
        repo,
        ...(since === undefined ? {} : { since: resolveTime(since, 'since', now, 'rfc3339') }),
        ...(until === undefined ? {} : { until: resolveTime(until, 'until', now, 'rfc3339') }),
        ...(path === undefined ? {} : { path }),
        ...pageParameters(limit),
        request: client.request(context.signal),
      });
      const commits: JsonValue[] = data.slice(0, limit).map((commit) => ({
        sha: commit.sha,
        message: compactMessage(commit.commit.message, maxBodyChars),
        author: commit.author?.login ?? commit.commit.author?.name ?? null,
        // The committer date is when the change landed on the branch, which is what
        // an incident timeline needs (an old commit can be merged today).
        date: commit.commit.committer?.date ?? commit.commit.author?.date ?? null,
        url: commit.html_url,
      }));
      return {
        commits,
        ...moreNote(commits.length, limit, 'narrow since/until/path or raise limit'),
        ...client.readNotes(),
      };
    },
  };
}
