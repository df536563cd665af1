/** `search_issues`: GitHub issue and pull request search, for earlier reports of the same symptom. */
import type { JsonValue } from '../../provider/spec.js';
import {
  limitOf,
  optionalChoice,
  optionalString,
  requiredString,
  toolInput,
} from '../git/tool-input.js';
import type { Tool } from '../tool.js';
import type { GitHubClient } from './github-client.js';
import { limitProperty, moreNote, pageParameters, repositoryProperty } from './github-schema.js';

const maxLimit = 100;
const defaultLimit = 30;
const states = ['open', 'closed'] as const;
// A query that already says where to search is left alone.
const scopedQuery = /(^|\s)(repo|org|user):/;

export function searchIssuesTool(client: GitHubClient): Tool {
  return {
    name: 'search_issues',
    description:
      'Searches GitHub issues and pull requests (GitHub search syntax: words, "quoted phrases", ' +
      'label:bug, is:pr, created:>2026-11-01), within the repository unless the query names repo:, org: or user:. ' +
      'Returns number, title, state, kind (issue or pull_request), author, updated_at, url.',
    effect: 'read',
    inputSchema: {
      type: 'object',
      properties: {
        query: {
          type: 'string',
          minLength: 1,
          maxLength: 256,
          description: 'The search, such as "connection pool exhausted".',
        },
        repository: repositoryProperty,
        state: { type: 'string', enum: [...states] },
        limit: limitProperty(maxLimit, defaultLimit),
      },
      required: ['query'],
      additionalProperties: false,
    },
    async run(rawInput, context) {
      const input = toolInput(rawInput);
      const query = requiredString(input, 'query').trim();
      const limit = limitOf(input, maxLimit, defaultLimit);
      const state = optionalChoice(input, 'state', states);
      const repositoryInput = optionalString(input, 'repository');
      let q = query;
      if (!scopedQuery.test(query)) {
        const { owner, repo } = client.repository(repositoryInput);
        q = `${q} repo:${owner}/${repo}`;
      }
      if (state !== undefined) q = `${q} state:${state}`;
      const octokit = await client.octokit();
      const { data } = await octokit.rest.search.issuesAndPullRequests({
        q,
        ...pageParameters(limit),
        request: client.request(context.signal),
      });
      const items: JsonValue[] = data.items.slice(0, limit).map((item) => ({
        number: item.number,
        title: item.title,
        state: item.state,
        kind: item.pull_request === undefined ? 'issue' : 'pull_request',
        author: item.user?.login ?? null,
        updated_at: item.updated_at,
        url: item.html_url,
      }));
      return {
        query: q,
        total_count: data.total_count,
        items,
        ...(data.incomplete_results
          ? { note: 'GitHub timed out part of the search: results are incomplete' }
          : {}),
        ...(data.incomplete_results
          ? {}
          : moreNote(items.length, limit, 'narrow the query or raise limit')),
        ...client.readNotes(),
      };
    },
  };
}
