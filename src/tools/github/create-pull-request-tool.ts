/** `create_pull_request` (write): opens a pull request; the result gives its number and url. */
import { checkBranchName } from '../git/check-ref-name.js';
import { optionalBoolean, optionalString, requiredString, toolInput } from '../git/tool-input.js';
import type { Tool } from '../tool.js';
import type { GitHubClient } from './github-client.js';
import { repositoryProperty } from './github-schema.js';

const maxBodyChars = 65_536;

export function createPullRequestTool(client: GitHubClient): Tool {
  return {
    name: 'create_pull_request',
    description:
      'Opens a pull request in a GitHub repository from head into base (both branch names; head may be ' +
      'owner:branch for a fork). Set draft to open it as a draft for people to finish. Needs approval.',
    effect: 'write',
    inputSchema: {
      type: 'object',
      properties: {
        repository: repositoryProperty,
        title: { type: 'string', minLength: 1, maxLength: 256 },
        body: {
          type: 'string',
          maxLength: maxBodyChars,
          description: 'Markdown description: what, why, how it was checked.',
        },
        head: {
          type: 'string',
          minLength: 1,
          pattern: '^[^-]',
          description: 'The branch with the change.',
        },
        base: {
          type: 'string',
          minLength: 1,
          pattern: '^[^-]',
          description: 'The branch to merge into, such as main.',
        },
        draft: { type: 'boolean' },
      },
      required: ['title', 'body', 'head', 'base'],
      additionalProperties: false,
    },
    async run(rawInput, context) {
      client.requireToken('create_pull_request');
      const input = toolInput(rawInput);
      const { owner, repo } = client.repository(optionalString(input, 'repository'));
      const title = requiredString(input, 'title');
      const body = optionalString(input, 'body') ?? '';
      const head = requiredString(input, 'head');
      // A fork's head is owner:branch; the branch part follows the usual rules.
      checkBranchName(head.slice(head.indexOf(':') + 1), 'head');
      const base = checkBranchName(requiredString(input, 'base'), 'base');
      const draft = optionalBoolean(input, 'draft');
      const octokit = await client.octokit();
      const { data } = await octokit.rest.pulls.create({
        owner,
        repo,
        title,
        body,
        head,
        base,
        ...(draft === undefined ? {} : { draft }),
        request: client.request(context.signal),
      });
      return {
        action: 'opened pull request',
        repository: `${owner}/${repo}`,
        number: data.number,
        url: data.html_url,
        state: data.state,
        draft: data.draft ?? false,
        head: data.head.ref,
        base: data.base.ref,
      };
    },
  };
}
