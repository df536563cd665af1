/**
 * The GitHub tools against the real `@octokit/fixtures-server` serving the
 * hand-written scenarios in test/fixtures/github/. The server refuses any request
 * that differs from the scenario (method, path, query, accept and authorization
 * headers, JSON body), so a tool resolving at all proves the request it made; the
 * assertions then pin the compact output the model sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../src/provider/spec.js';
import { createGitHubTools, GitHubRequestError } from '../../../src/tools/github/index.js';
import type { Tool, ToolContext } from '../../../src/tools/index.js';
import { type FixturesServer, fixturesToken, startFixturesServer } from './fixtures-server.js';

const clock = () => new Date('2026-11-26T12:00:00Z');
const shaA = '8f3c1e2d9b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d';
const shaB = '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b';
const mainSha = '5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d';

let server: FixturesServer;

beforeAll(async () => {
  server = await startFixturesServer({ fixtures: 'test/fixtures/github/*.json' });
});

afterAll(async () => {
  await server?.stop();
});

function context(): ToolContext {
  return { signal: new AbortController().signal, run: 'test-run', subtask: 1 };
}

function toolsFor(baseUrl: string, authenticated = true): Map<string, Tool> {
  const tools = createGitHubTools(
    { baseUrl, repository: 'acme/checkout', ...(authenticated ? { token: fixturesToken } : {}) },
    { clock },
  );
  return new Map(tools.map((tool) => [tool.name, tool]));
}

async function run(tools: Map<string, Tool>, name: string, input: JsonValue): Promise<JsonValue> {
  const tool = tools.get(name);
  if (tool === undefined) throw new Error(`no tool ${name}`);
  return tool.run(input, context());
}

describe('GitHub read tools', () => {
  it('list_commits resolves now-6h against the clock, filters by path and returns one compact entry per commit', async () => {
    const scenario = await server.load('list-commits');
    const result = await run(toolsFor(scenario.baseUrl), 'list_commits', {
      since: 'now-6h',
      until: 'now',
      path: 'services/payments',
      limit: 2,
    });
    expect(result).toEqual({
      commits: [
        {
          sha: shaA,
          message: expect.stringMatching(
            /^Raise payments DB pool to 200 connections \(#482\)\n\nThe payments service ran out.*… \[truncated: \d+ more characters\]$/s,
          ),
          author: 'dana',
          date: '2026-11-26T09:42:00Z',
          url: scenario.rewritten(`https://github.com/acme/checkout/commit/${shaA}`),
        },
        {
          sha: shaB,
          message: 'Bump payments image to 2.14.0',
          author: 'CI Bot',
          date: '2026-11-26T07:05:00Z',
          url: scenario.rewritten(`https://github.com/acme/checkout/commit/${shaB}`),
        },
      ],
      note: 'showing the first 2; there may be more: narrow since/until/path or raise limit',
    });
    const [first] = (result as { commits: { message: string }[] }).commits;
    expect(first?.message.length).toBeLessThan(420);
  });

  it('the stand-in is strict: a request with another query is refused, so passing tests prove the request', async () => {
    const scenario = await server.load('list-commits');
    await expect(
      run(toolsFor(scenario.baseUrl), 'list_commits', {
        since: 'now-6h',
        until: 'now',
        path: 'services/web',
        limit: 2,
      }),
    ).rejects.toThrow(/^GitHub 404 \(GET \/repos\/acme\/checkout\/commits\)/);
  });

  it('get_commit lists files with line counts and cuts long patches, leaving binary files without one', async () => {
    const scenario = await server.load('get-commit');
    const result = (await run(toolsFor(scenario.baseUrl), 'get_commit', { sha: shaA })) as {
      [key: string]: JsonValue;
      files: { [key: string]: JsonValue }[];
    };
    expect(result).toMatchObject({
      sha: shaA,
      author: 'dana',
      date: '2026-11-26T09:42:00Z',
      url: scenario.rewritten(`https://github.com/acme/checkout/commit/${shaA}`),
      stats: { files: 4, additions: 82, deletions: 2 },
    });
    expect(
      result.files.map((file) => [file.path, file.status, file.additions, file.deletions]),
    ).toEqual([
      ['config/payments.yaml', 'modified', 1, 1],
      ['services/payments/pool.go', 'modified', 80, 0],
      ['docs/pool.png', 'added', 0, 0],
      ['services/payments/db.go', 'renamed', 1, 1],
    ]);
    expect(result.files[0]?.patch).toContain('+  pool_size: 200');
    const longPatch = String(result.files[1]?.patch);
    expect(longPatch).toMatch(/… \[truncated: \d+ more characters\]$/);
    expect(longPatch.length).toBeLessThan(3_100);
    expect(result.files[2]?.patch).toBeNull();
    expect(result.files[3]?.previous_path).toBe('services/payments/database.go');
  });

  it('list_pull_requests asks for the most recently updated and drops those older than since', async () => {
    const scenario = await server.load('list-pull-requests');
    const result = await run(toolsFor(scenario.baseUrl), 'list_pull_requests', {
      state: 'closed',
      since: 'now-1d',
      limit: 3,
    });
    expect(result).toEqual({
      pull_requests: [
        {
          number: 482,
          title: 'Raise payments DB pool to 200 connections',
          state: 'closed',
          merged_at: '2026-11-26T09:42:00Z',
          updated_at: '2026-11-26T09:42:05Z',
          author: 'dana',
          url: scenario.rewritten('https://github.com/acme/checkout/pull/482'),
          base: 'main',
          head: 'payments-pool',
        },
        {
          number: 480,
          title: 'Retry card authorisation on 502',
          state: 'closed',
          merged_at: null,
          updated_at: '2026-11-25T16:30:00Z',
          author: 'lee',
          url: scenario.rewritten('https://github.com/acme/checkout/pull/480'),
          base: 'main',
          head: 'retry-auth',
        },
      ],
    });
  });

  it('list_deployments gives each deployment its latest status, null when it has none', async () => {
    const scenario = await server.load('list-deployments');
    const result = await run(toolsFor(scenario.baseUrl), 'list_deployments', {
      environment: 'production',
      limit: 2,
    });
    expect(result).toEqual({
      deployments: [
        {
          id: 9002,
          environment: 'production',
          ref: 'main',
          sha: shaA,
          created_at: '2026-11-26T09:50:00Z',
          creator: 'deploy-bot',
          description: 'Deploy #482 to production',
          status: {
            state: 'failure',
            at: '2026-11-26T09:58:00Z',
            description: 'Health checks failed on 3 of 12 pods',
            url: scenario.rewritten('https://ci.acme.test/deploys/9002'),
          },
        },
        {
          id: 9001,
          environment: 'production',
          ref: 'v2.14.0',
          sha: shaB,
          created_at: '2026-11-25T18:00:00Z',
          creator: 'deploy-bot',
          status: null,
        },
      ],
      note: 'showing the first 2; there may be more: narrow environment or since, or raise limit',
    });
  });

  it('list_releases keeps the start of the notes and flags prereleases', async () => {
    const scenario = await server.load('list-releases');
    const result = (await run(toolsFor(scenario.baseUrl), 'list_releases', { limit: 2 })) as {
      releases: { [key: string]: JsonValue }[];
    };
    expect(result.releases).toHaveLength(2);
    expect(result.releases[0]).toMatchObject({
      tag: 'v2.14.0',
      name: '2.14.0',
      published_at: '2026-11-25T17:30:00Z',
      author: 'sam',
      url: scenario.rewritten('https://github.com/acme/checkout/releases/tag/v2.14.0'),
    });
    expect(String(result.releases[0]?.notes)).toMatch(
      /^## Changes\n- change number 0.*… \[truncated: \d+ more characters\]$/s,
    );
    expect(result.releases[1]).toEqual({
      tag: 'v2.14.0-rc.1',
      name: null,
      published_at: '2026-11-24T12:05:00Z',
      prerelease: true,
      author: 'sam',
      url: scenario.rewritten('https://github.com/acme/checkout/releases/tag/v2.14.0-rc.1'),
    });
  });

  it('reads work without a token against public repositories, send no authorization header, and warn', async () => {
    const scenario = await server.load('public-read');
    const result = (await run(toolsFor(scenario.baseUrl, false), 'list_releases', {
      limit: 1,
    })) as { [key: string]: JsonValue };
    expect(result.releases).toEqual([expect.objectContaining({ tag: 'v2.14.0' })]);
    expect(result.warning).toMatch(/^no GitHub token: set GITHUB_TOKEN/);
  });
});

describe('GitHub write tools', () => {
  it('create_branch from a branch reads its tip and creates the ref through the git refs API', async () => {
    const scenario = await server.load('create-branch-from-branch');
    const result = await run(toolsFor(scenario.baseUrl), 'create_branch', {
      branch: 'hotfix/INC-1234-revert-pool',
      fromBranch: 'main',
    });
    expect(result).toEqual({
      action: 'created branch',
      repository: 'acme/checkout',
      ref: 'refs/heads/hotfix/INC-1234-revert-pool',
      sha: mainSha,
      from_branch: 'main',
      url: scenario.rewritten(
        'https://api.github.com/repos/acme/checkout/git/refs/heads/hotfix/INC-1234-revert-pool',
      ),
    });
  });

  it('create_pull_request posts title, body, head, base and draft, and reports the number and url', async () => {
    const scenario = await server.load('create-pull-request');
    const result = await run(toolsFor(scenario.baseUrl), 'create_pull_request', {
      title: 'Revert "Raise payments DB pool to 200 connections"',
      body: 'Reverts #482: the larger pool exhausted the database connection limit.\n\nRollback plan: redeploy v2.14.0.',
      head: 'hotfix/INC-1234-revert-pool',
      base: 'main',
      draft: true,
    });
    expect(result).toEqual({
      action: 'opened pull request',
      repository: 'acme/checkout',
      number: 483,
      url: scenario.rewritten('https://github.com/acme/checkout/pull/483'),
      state: 'open',
      draft: true,
      head: 'hotfix/INC-1234-revert-pool',
      base: 'main',
    });
  });

  it('writes without a token fail before any request, naming GITHUB_TOKEN', async () => {
    // Nothing listens on this origin: a request would fail with a different error.
    const tools = toolsFor('http://127.0.0.1:9', false);
    await expect(
      run(tools, 'create_branch', { branch: 'hotfix/x', fromSha: mainSha }),
    ).rejects.toThrow(/^create_branch needs a GitHub token: set GITHUB_TOKEN/);
    await expect(
      run(tools, 'create_pull_request', { title: 't', body: 'b', head: 'hotfix/x', base: 'main' }),
    ).rejects.toThrow(/^create_pull_request needs a GitHub token: set GITHUB_TOKEN/);
  });

  it('refuses bad input before any request', async () => {
    const tools = toolsFor('http://127.0.0.1:9');
    await expect(
      run(tools, 'create_branch', { branch: 'x', fromSha: mainSha, fromBranch: 'main' }),
    ).rejects.toThrow('give exactly one of fromSha or fromBranch');
    await expect(run(tools, 'create_branch', { branch: 'x' })).rejects.toThrow(
      'give exactly one of fromSha or fromBranch',
    );
    await expect(
      run(tools, 'create_branch', { branch: 'bad..name', fromSha: mainSha }),
    ).rejects.toThrow(/not a valid branch name: it contains "\.\."/);
    await expect(run(tools, 'create_branch', { branch: 'x', fromSha: 'abc123' })).rejects.toThrow(
      'fromSha must be a full 40-character commit sha',
    );
    await expect(run(tools, 'list_commits', { repository: '../admin' })).rejects.toThrow(
      'repository "../admin" is not owner/name',
    );
    await expect(run(tools, 'list_commits', { since: 'yesterday' })).rejects.toThrow(
      /since: "yesterday" is not a time; use RFC 3339/,
    );
  });
});

describe('GitHub errors', () => {
  it("become GitHubRequestError with the status, the request and GitHub's message, plus a hint", async () => {
    const scenario = await server.load('tool-errors');
    const tools = toolsFor(scenario.baseUrl);
    const notFound = await run(tools, 'list_commits', { repository: 'acme/missing' }).catch(
      (error: unknown) => error,
    );
    expect(notFound).toBeInstanceOf(GitHubRequestError);
    expect(notFound).toMatchObject({
      status: 404,
      message:
        'GitHub 404 (GET /repos/acme/missing/commits): Not Found. It does not exist, or the token cannot see it.',
    });
    await expect(run(tools, 'get_commit', { sha: '0000deadbeef' })).rejects.toThrow(
      'GitHub 422 (GET /repos/acme/checkout/commits/0000deadbeef): No commit found for SHA: 0000deadbeef.',
    );
    await expect(run(tools, 'list_releases', { limit: 1 })).rejects.toThrow(
      'GitHub 403 (GET /repos/acme/checkout/releases): API rate limit exceeded for installation ID 1000. The API rate limit is used up until 2026-11-26T12:00:00.000Z.',
    );
    await expect(run(tools, 'create_branch', { branch: 'main', fromSha: mainSha })).rejects.toThrow(
      'GitHub 422 (POST /repos/acme/checkout/git/refs): Reference already exists.',
    );
  });
});
