/** `list_deployments`: recent deployments, each with its latest status. */
import type { JsonValue } from '../../provider/spec.js';
import { resolveTime } from '../git/resolve-time.js';
import { limitOf, optionalString, toolInput } from '../git/tool-input.js';
import { truncateText } from '../git/truncate-text.js';
import type { Tool } from '../tool.js';
import type { GitHubClient } from './github-client.js';
import {
  limitProperty,
  moreNote,
  pageParameters,
  repositoryProperty,
  timeProperty,
} from './github-schema.js';

const maxLimit = 30;
// Each deployment costs one more request for its status, so the default stays small.
const defaultLimit = 10;
const maxDescriptionChars = 200;

export function listDeploymentsTool(client: GitHubClient): Tool {
  return {
    name: 'list_deployments',
    description:
      'Deployments of a GitHub repository, newest first: id, environment, ref, sha, created_at, creator, ' +
      'and the latest status (state such as success, failure, in_progress; when; log url). ' +
      'Use it to line up what was deployed where against an incident timeline.',
    effect: 'read',
    inputSchema: {
      type: 'object',
      properties: {
        repository: repositoryProperty,
        environment: {
          type: 'string',
          minLength: 1,
          description: 'Only this environment, such as production.',
        },
        since: timeProperty('Only deployments created after this time.'),
        limit: limitProperty(maxLimit, defaultLimit),
      },
      additionalProperties: false,
    },
    async run(rawInput, context) {
      const input = toolInput(rawInput);
      const { owner, repo } = client.repository(optionalString(input, 'repository'));
      const limit = limitOf(input, maxLimit, defaultLimit);
      const environment = optionalString(input, 'environment');
      const sinceInput = optionalString(input, 'since');
      const since =
        sinceInput === undefined
          ? undefined
          : Date.parse(resolveTime(sinceInput, 'since', client.now(), 'rfc3339'));
      const octokit = await client.octokit();
      const { data } = await octokit.rest.repos.listDeployments({
        owner,
        repo,
        ...(environment === undefined ? {} : { environment }),
        ...pageParameters(limit),
        request: client.request(context.signal),
      });
      const recent = data
        .filter((deployment) => since === undefined || Date.parse(deployment.created_at) >= since)
        .slice(0, limit);
      const deployments: JsonValue[] = [];
      // One at a time: a handful of small requests, and a predictable order for the
      // API's secondary rate limits (and for recorded fixtures).
      for (const deployment of recent) {
        const statuses = await octokit.rest.repos.listDeploymentStatuses({
          owner,
          repo,
          deployment_id: deployment.id,
          per_page: 1,
          request: client.request(context.signal),
        });
        const latest = statuses.data[0];
        deployments.push({
          id: deployment.id,
          environment: deployment.environment,
          ref: deployment.ref,
          sha: deployment.sha,
          created_at: deployment.created_at,
          creator: deployment.creator?.login ?? null,
          ...(deployment.description
            ? { description: truncateText(deployment.description, maxDescriptionChars) }
            : {}),
          status:
            latest === undefined
              ? null
              : {
                  state: latest.state,
                  at: latest.created_at,
                  ...(latest.description
                    ? { description: truncateText(latest.description, maxDescriptionChars) }
                    : {}),
                  url: latest.log_url || latest.environment_url || latest.target_url || null,
                },
        });
      }
      return {
        deployments,
        ...(recent.length === data.length
          ? moreNote(data.length, limit, 'narrow environment or since, or raise limit')
          : {}),
        ...client.readNotes(),
      };
    },
  };
}
