/** `git_log`: the commits in a time window, newest first, one line each. */
import type { JsonValue } from '../../provider/spec.js';
import type { Tool } from '../tool.js';
import { rejectOptionLike } from './check-ref-name.js';
import { resolveRepository } from './git-repository.js';
import { pathProperty, repositoryProperty, revisionProperty } from './git-schema.js';
import { type GitToolSettings, gitListing } from './git-tool-settings.js';
import { resolveTime } from './resolve-time.js';
import { limitOf, optionalString, toolInput } from './tool-input.js';

const maxLimit = 200;
const defaultLimit = 30;
const fieldSeparator = '\u001f';

export function gitLogTool(settings: GitToolSettings): Tool {
  return {
    name: 'git_log',
    description:
      'Commits of a local git checkout, newest first: sha, author, author date, subject. ' +
      'since/until filter on the commit date and take RFC 3339, a relative time (now-6h) or a git date ("2 hours ago"). ' +
      `limit defaults to ${defaultLimit}, at most ${maxLimit}.`,
    effect: 'read',
    inputSchema: {
      type: 'object',
      properties: {
        repository: repositoryProperty,
        since: { type: 'string', description: 'Only commits after this time.' },
        until: { type: 'string', description: 'Only commits before this time.' },
        path: pathProperty,
        revision: revisionProperty('Where to start the walk: a branch, tag or sha (default HEAD).'),
        limit: { type: 'integer', minimum: 1, maximum: maxLimit },
      },
      additionalProperties: false,
    },
    async run(rawInput, context) {
      const input = toolInput(rawInput);
      const repository = await resolveRepository(
        optionalString(input, 'repository'),
        settings.repository,
      );
      const limit = limitOf(input, maxLimit, defaultLimit);
      const since = optionalString(input, 'since');
      const until = optionalString(input, 'until');
      const path = optionalString(input, 'path');
      const revision = rejectOptionLike(optionalString(input, 'revision') ?? 'HEAD', 'revision');
      const now = settings.now();
      const args = [
        'log',
        `--max-count=${limit}`,
        '--format=%H%x1f%an%x1f%aI%x1f%s',
        ...(since === undefined ? [] : [`--since=${resolveTime(since, 'since', now, 'git')}`]),
        ...(until === undefined ? [] : [`--until=${resolveTime(until, 'until', now, 'git')}`]),
        '--end-of-options',
        revision,
        '--',
        ...(path === undefined ? [] : [rejectOptionLike(path, 'path')]),
      ];
      const output = await gitListing(repository, args, settings, context);
      const commits: JsonValue[] = [];
      for (const line of output.stdout.split('\n')) {
        const [sha, author, date, subject] = line.split(fieldSeparator);
        if (sha === undefined || author === undefined || date === undefined) continue;
        commits.push({ sha, author, date, subject: subject ?? '' });
      }
      return {
        commits,
        ...(commits.length === limit
          ? { note: `showing the newest ${limit}; narrow since/until/path or raise limit for more` }
          : {}),
      };
    },
  };
}
