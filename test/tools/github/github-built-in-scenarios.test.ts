/**
 * The GitHub tools against recorded GitHub responses: the built-in scenarios of
 * `@octokit/fixtures-server` (real requests and answers from github.com, with ids
 * normalized). A tool's request must match the recording or the server answers 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../src/provider/spec.js';
import { createGitHubClient } from '../../../src/tools/github/github-client.js';
import { createGitHubTools, GitHubRequestError } from '../../../src/tools/github/index.js';
import type { Tool } from '../../../src/tools/index.js';
import { type FixturesServer, fixturesToken, startFixturesServer } from './fixtures-server.js';

let server: FixturesServer;

beforeAll(async () => {
  server = await startFixturesServer();
});

afterAll(async () => {
  await server?.stop();
});

function tool(baseUrl: string, name: string): Tool {
  const found = createGitHubTools({ baseUrl, token: fixturesToken }).find(
    (candidate) => candidate.name === name,
  );
  if (found === undefined) throw new Error(`no tool ${name}`);
  return found;
}

function run(found: Tool, input: JsonValue): Promise<JsonValue> {
  return found.run(input, { signal: new AbortController().signal, run: 'test-run', subtask: 1 });
}

/**
 * Plays a recorded request the tools never make, so the scenario moves on to the
 * one they do. It goes by fetch because the recording's URL ends in "/", which
 * Octokit strips.
 */
async function consume(baseUrl: string, path: string): Promise<void> {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: {
      accept: 'application/vnd.github.v3+json',
      authorization: `token ${fixturesToken}`,
    },
  });
  expect(response.status).toBe(200);
}

describe('GitHub tools on recorded scenarios', () => {
  it('create_branch from a sha posts the recorded git refs request (git-refs)', async () => {
    const scenario = await server.load('git-refs');
    await consume(scenario.baseUrl, '/repos/octokit-fixture-org/git-refs/git/refs/');
    const result = await run(tool(scenario.baseUrl, 'create_branch'), {
      repository: 'octokit-fixture-org/git-refs',
      branch: 'test',
      fromSha: '0000000000000000000000000000000000000002',
    });
    expect(result).toEqual({
      action: 'created branch',
      repository: 'octokit-fixture-org/git-refs',
      ref: 'refs/heads/test',
      sha: '0000000000000000000000000000000000000002',
      url: scenario.rewritten(
        'https://api.github.com/repos/octokit-fixture-org/git-refs/git/refs/heads/test',
      ),
    });
  });

  it('get_file asks for the raw media type and returns the text (get-content)', async () => {
    const scenario = await server.load('get-content');
    await consume(scenario.baseUrl, '/repos/octokit-fixture-org/hello-world/contents/');
    const result = await run(tool(scenario.baseUrl, 'get_file'), {
      repository: 'octokit-fixture-org/hello-world',
      path: 'README.md',
    });
    expect(result).toEqual({
      path: 'README.md',
      type: 'file',
      characters: 13,
      content: '# hello-world',
    });
  });

  it('search_issues scopes the query to the repository and lists compact hits (search-issues)', async () => {
    const scenario = await server.load('search-issues');
    const result = (await run(tool(scenario.baseUrl, 'search_issues'), {
      query: 'sesame',
      repository: 'octokit-fixture-org/search-issues',
    })) as { [key: string]: JsonValue };
    expect(result.query).toBe('sesame repo:octokit-fixture-org/search-issues');
    expect(result.total_count).toBe(2);
    expect(result.items).toEqual([
      expect.objectContaining({
        number: 2,
        title: 'Sesame seeds split without a pop!',
        kind: 'issue',
        url: scenario.rewritten('https://github.com/octokit-fixture-org/search-issues/issues/2'),
      }),
      expect.objectContaining({ title: 'The doors don’t open', kind: 'issue' }),
    ]);
    expect(Object.keys((result.items as { [key: string]: JsonValue }[])[0] ?? {})).toEqual([
      'number',
      'title',
      'state',
      'kind',
      'author',
      'updated_at',
      'url',
    ]);
  });

  it("turns GitHub's validation error into a message with its details (errors)", async () => {
    const scenario = await server.load('errors');
    const client = createGitHubClient({ baseUrl: scenario.baseUrl, token: fixturesToken });
    const octokit = await client.octokit();
    const error = await octokit.rest.issues
      .createLabel({ owner: 'octokit-fixture-org', repo: 'errors', name: 'foo', color: 'invalid' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitHubRequestError);
    expect(error).toMatchObject({
      status: 422,
      message:
        'GitHub 422 (POST /repos/octokit-fixture-org/errors/labels): Validation Failed (Label.color invalid).',
    });
  });
});
