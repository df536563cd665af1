/** `list_releases`: the latest releases, with short notes. */
import type { JsonValue } from '../../provider/spec.js';
import { limitOf, optionalString, toolInput } from '../git/tool-input.js';
import { truncateText } from '../git/truncate-text.js';
import type { Tool } from '../tool.js';
import type { GitHubClient } from './github-client.js';
import { limitProperty, moreNote, pageParameters, repositoryProperty } from './github-schema.js';

const maxLimit = 100;
const defaultLimit = 10;
const maxNotesChars = 300;

export function listReleasesTool(client: GitHubClient): Tool {
  return {
    name: 'list_releases',
    description:
      'Releases of a GitHub repository, newest first: tag, name, published_at, draft/prerelease flags, ' +
      `author, url and the start of the release notes (${maxNotesChars} characters).`,
    effect: 'read',
    inputSchema: {
      type: 'object',
      properties: {
        repository: repositoryProperty,
        limit: limitProperty(maxLimit, defaultLimit),
      },
      additionalProperties: false,
    },
    async run(rawInput, context) {
      const input = toolInput(rawInput);
      const { owner, repo } = client.repository(optionalString(input, 'repository'));
      const limit = limitOf(input, maxLimit, defaultLimit);
      const octokit = await client.octokit();
      const { data } = await octokit.rest.repos.listReleases({
        owner,
        repo,
        ...pageParameters(limit),
        request: client.request(context.signal),
      });
      const releases: JsonValue[] = data.slice(0, limit).map((release) => ({
        tag: release.tag_name,
        name: release.name ?? null,
        published_at: release.published_at,
        ...(release.draft ? { draft: true } : {}),
        ...(release.prerelease ? { prerelease: true } : {}),
        author: release.author?.login ?? null,
        url: release.html_url,
        ...(release.body ? { notes: truncateText(release.body.trim(), maxNotesChars) } : {}),
      }));
      return {
        releases,
        ...moreNote(releases.length, limit, 'raise limit'),
        ...client.readNotes(),
      };
    },
  };
}
