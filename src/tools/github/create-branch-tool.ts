/**
 * `create_branch` (write): a branch on GitHub through the git refs API, at a sha or
 * at another branch's tip, without any checkout. The result says what was made.
 */
import { checkBranchName } from '../git/check-ref-name.js';
import { optionalString, requiredString, toolInput } from '../git/tool-input.js';
import type { Tool } from '../tool.js';
import type { GitHubClient } from './github-client.js';
import { repositoryProperty } from './github-schema.js';

const branchProperty = {
  type: 'string',
  minLength: 1,
  maxLength: 200,
  pattern: '^[^-]',
} as const;

export function createBranchTool(client: GitHubClient): Tool {
  return {
    name: 'create_branch',
    description:
      'Creates a branch in a GitHub repository at a commit (fromSha, the full 40-character sha) or at ' +
      "another branch's tip (fromBranch): give exactly one. Fails if the branch exists. Needs approval.",
    effect: 'write',
    // Exactly-one-of is checked in run(): providers refuse oneOf at the top of a tool schema.
    inputSchema: {
      type: 'object',
      properties: {
        repository: repositoryProperty,
        branch: { ...branchProperty, description: 'The new branch, such as hotfix/INC-1234.' },
        fromSha: {
          type: 'string',
          pattern: '^[0-9a-f]{40}$',
          description: 'Full commit sha to start from.',
        },
        fromBranch: { ...branchProperty, description: 'Existing branch whose tip to start from.' },
      },
      required: ['branch'],
      additionalProperties: false,
    },
    async run(rawInput, context) {
      client.requireToken('create_branch');
      const input = toolInput(rawInput);
      const { owner, repo } = client.repository(optionalString(input, 'repository'));
      const branch = checkBranchName(requiredString(input, 'branch'));
      const fromSha = optionalString(input, 'fromSha');
      const fromBranch = optionalString(input, 'fromBranch');
      if ((fromSha === undefined) === (fromBranch === undefined)) {
        throw new Error('give exactly one of fromSha or fromBranch');
      }
      if (fromSha !== undefined && !/^[0-9a-f]{40}$/.test(fromSha)) {
        throw new Error('fromSha must be a full 40-character commit sha');
      }
      const octokit = await client.octokit();
      let sha = fromSha;
      if (fromBranch !== undefined) {
        const { data } = await octokit.rest.git.getRef({
          owner,
          repo,
          ref: `heads/${checkBranchName(fromBranch, 'fromBranch')}`,
          request: client.request(context.signal),
        });
        sha = data.object.sha;
      }
      const { data } = await octokit.rest.git.createRef({
        owner,
        repo,
        ref: `refs/heads/${branch}`,
        sha: sha ?? '',
        request: client.request(context.signal),
      });
      return {
        action: 'created branch',
        repository: `${owner}/${repo}`,
        ref: data.ref,
        sha: data.object.sha,
        ...(fromBranch === undefined ? {} : { from_branch: fromBranch }),
        url: data.url,
      };
    },
  };
}
