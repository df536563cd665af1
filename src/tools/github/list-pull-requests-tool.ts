/** `list_pull_requests`: recently updated pull requests, merged ones included. */
import type { JsonValue } from '../../provider/spec.js';
import { resolveTime } from '../git/resolve-time.js';
import { limitOf, optionalChoice, optionalString, toolInput } from '../git/tool-input.js';
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
const states = ['open', 'closed', 'all'] as const;

export function listPullRequestsTool(client: GitHubClient): Tool {
  return {
    name: 'list_pull_requests',
    description:
      'Pull requests of a GitHub repository, most recently updated first: number, title, state, ' +
      'merged_at (null if not merged), author, url, base and head branches. state defaults to all; ' +
      'since keeps those updated after a time (a merge counts as an update).',
    effect: 'read',
    inputSchema: {
      type: 'object',
      properties: {
        repository: repositoryProperty,
        state: {
          type: 'string',
          enum: [...states],
          description: 'open, closed (merged ones included) or all.',
        },
        since: timeProperty('Only pull requests updated after this time.'),
        limit: limitProperty(maxLimit, defaultLimit),
      },
      additionalProperties: false,
    },
    async run(rawInput, context) {
      const input = toolInput(rawInput);
      const { owner, repo } = client.repository(optionalString(input, 'repository'));
      const limit = limitOf(input, maxLimit, defaultLimit);
      const state = optionalChoice(input, 'state', states) ?? 'all';
      const sinceInput = optionalString(input, 'since');
      const since =
        sinceInput === undefined
          ? undefined
          : Date.parse(resolveTime(sinceInput, 'since', client.now(), 'rfc3339'));
      const octokit = await client.octokit();
      // The pulls API has no time filter; sorted by update time, the cut is a prefix.
      const { data } = await octokit.rest.pulls.list({
        owner,
        repo,
        state,
        sort: 'updated',
        direction: 'desc',
        ...pageParameters(limit),
        request: client.request(context.signal),
      });
      const recent = data.filter(
        (pull) => since === undefined || Date.parse(pull.updated_at) >= since,
      );
      const pullRequests: JsonValue[] = recent.slice(0, limit).map((pull) => ({
        number: pull.number,
        title: pull.title,
        state: pull.state,
        merged_at: pull.merged_at,
        updated_at: pull.updated_at,
        author: pull.user?.login ?? null,
        url: pull.html_url,
        base: pull.base.ref,
        head: pull.head.ref,
        ...(pull.draft === true ? { draft: true } : {}),
      }));
      // A full page that is still newer than `since` may have older matches after it.
      const full = data.length >= limit && recent.length === data.length;
      return {
        pull_requests: pullRequests,
        ...(full ? moreNote(data.length, limit, 'narrow since or state, or raise limit') : {}),
        ...client.readNotes(),
      };
    },
  };
}
