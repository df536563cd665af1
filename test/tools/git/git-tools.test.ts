/**
 * The git tools against a real repository built in a temp directory with the
 * real `git` binary: commits with fixed authors and dates, a tag, and one commit
 * adding a multi-megabyte file to prove the output caps.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../src/provider/spec.js';
import { createGitTools } from '../../../src/tools/git/index.js';
import type { Tool } from '../../../src/tools/index.js';

const clock = () => new Date('2026-11-26T12:00:00Z');

let root: string;
let repository: string;
const shas: string[] = [];

function git(args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, {
    cwd: repository,
    encoding: 'utf8',
    // The machine's own git config (signing, hooks, templates) must not shape the fixture.
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', ...env },
    maxBuffer: 64 * 1024 * 1024,
  }).trim();
}

async function commit(
  author: string,
  date: string,
  message: string,
  files: Record<string, string>,
) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(repository, path, '..'), { recursive: true });
    await writeFile(join(repository, path), content);
  }
  git(['add', '--all']);
  git(['commit', '--quiet', '-m', message], {
    GIT_AUTHOR_NAME: author,
    GIT_AUTHOR_EMAIL: `${author.toLowerCase()}@acme.test`,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: author,
    GIT_COMMITTER_EMAIL: `${author.toLowerCase()}@acme.test`,
    GIT_COMMITTER_DATE: date,
  });
  shas.push(git(['rev-parse', 'HEAD']));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'warroom-git-tools-'));
  repository = join(root, 'checkout');
  await mkdir(repository);
  git(['init', '--quiet', '--initial-branch=main']);
  await commit('Alice', '2026-11-20T10:00:00Z', 'Add API server', {
    'services/api/server.js': 'export const port = 8080;\n',
    'README.md': '# checkout\n',
  });
  await commit('Bob', '2026-11-25T09:00:00Z', 'Pool size 50', {
    'config/pool.yaml': 'pool_size: 50\n',
  });
  git(['tag', 'v1']);
  await commit(
    'Carol',
    '2026-11-26T08:00:00Z',
    'Raise pool to 200 and retry on timeout\n\nThe load test ran out of connections.',
    {
      'config/pool.yaml': 'pool_size: 200\n',
      'services/api/server.js': 'export const port = 8080;\nexport const retries = 3;\n',
    },
  );
  const huge = Array.from({ length: 200_000 }, (_, index) => `row ${index} of the export\n`).join(
    '',
  );
  await commit('Dana', '2026-11-26T10:00:00Z', 'Add the nightly export', {
    'data/export.csv': huge,
  });
}, 60_000);

afterAll(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

/** `null`: no repository configured. */
function tools(configured: string | null = repository): Map<string, Tool> {
  const created = createGitTools(configured === null ? undefined : { repository: configured }, {
    clock,
  });
  return new Map(created.map((tool) => [tool.name, tool]));
}

function run(name: string, input: JsonValue, set = tools()): Promise<JsonValue> {
  const tool = set.get(name);
  if (tool === undefined) throw new Error(`no tool ${name}`);
  return tool.run(input, { signal: new AbortController().signal, run: 'test-run', subtask: 1 });
}

type Result = { [key: string]: JsonValue };

function subjects(result: JsonValue): JsonValue[] {
  return ((result as Result).commits as Result[]).map((entry) => entry.subject ?? null);
}

describe('git_log', () => {
  it('lists commits newest first with sha, author, author date and subject', async () => {
    const result = (await run('git_log', {})) as Result;
    expect(result.commits).toEqual([
      {
        sha: shas[3],
        author: 'Dana',
        date: '2026-11-26T10:00:00+00:00',
        subject: 'Add the nightly export',
      },
      {
        sha: shas[2],
        author: 'Carol',
        date: '2026-11-26T08:00:00+00:00',
        subject: 'Raise pool to 200 and retry on timeout',
      },
      { sha: shas[1], author: 'Bob', date: '2026-11-25T09:00:00+00:00', subject: 'Pool size 50' },
      {
        sha: shas[0],
        author: 'Alice',
        date: '2026-11-20T10:00:00+00:00',
        subject: 'Add API server',
      },
    ]);
    expect(result.note).toBeUndefined();
  });

  it('filters by since (relative to the injected clock), until, path and limit', async () => {
    expect(subjects(await run('git_log', { since: 'now-6h' }))).toEqual([
      'Add the nightly export',
      'Raise pool to 200 and retry on timeout',
    ]);
    expect(
      subjects(await run('git_log', { since: 'now-6h', until: '2026-11-26T09:00:00Z' })),
    ).toEqual(['Raise pool to 200 and retry on timeout']);
    expect(subjects(await run('git_log', { path: 'services/api' }))).toEqual([
      'Raise pool to 200 and retry on timeout',
      'Add API server',
    ]);
    expect(subjects(await run('git_log', { revision: 'v1' }))).toEqual([
      'Pool size 50',
      'Add API server',
    ]);
    const limited = (await run('git_log', { limit: 1 })) as Result;
    expect(subjects(limited)).toEqual(['Add the nightly export']);
    expect(limited.note).toMatch(/^showing the newest 1/);
  });

  it('ignores a GIT_DIR in the environment that would point git at another repository', async () => {
    const previous = process.env.GIT_DIR;
    process.env.GIT_DIR = join(root, 'nowhere.git');
    try {
      expect(subjects(await run('git_log', { limit: 1 }))).toEqual(['Add the nightly export']);
    } finally {
      if (previous === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = previous;
    }
  });
});

describe('git_show and git_diff', () => {
  it('git_show gives metadata, the full message, a per-file stat and the patch', async () => {
    const result = (await run('git_show', { revision: 'HEAD~1' })) as Result;
    expect(result).toMatchObject({
      sha: shas[2],
      parents: [shas[1]],
      author: 'Carol <carol@acme.test>',
      date: '2026-11-26T08:00:00+00:00',
      message: 'Raise pool to 200 and retry on timeout\n\nThe load test ran out of connections.',
      stat: { files: 2, additions: 2, deletions: 1 },
      files: [
        { path: 'config/pool.yaml', additions: 1, deletions: 1 },
        { path: 'services/api/server.js', additions: 1, deletions: 0 },
      ],
    });
    expect(result.patch).toContain('-pool_size: 50\n+pool_size: 200');
    expect(result.patch).toContain('+export const retries = 3;');
    expect(result.notes).toBeUndefined();
    expect(result.committer).toBeUndefined();
  });

  it('git_show cuts a huge patch at the cap and says so, reading only a little past it', async () => {
    const started = Date.now();
    const result = (await run('git_show', { revision: shas[3] ?? '' })) as Result;
    expect(result.stat).toEqual({ files: 1, additions: 200_000, deletions: 0 });
    const patch = String(result.patch);
    expect(patch).toMatch(/… \[truncated: \d+ more characters\]$/);
    expect(patch.length).toBeLessThan(20_100);
    expect(result.notes).toEqual(['patch cut at 20000 characters; pass path to see one file']);
    expect(JSON.stringify(result).length).toBeLessThan(22_000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('git_diff compares two revisions, optionally under one path, with the same caps', async () => {
    const narrow = (await run('git_diff', { from: 'v1', to: 'main', path: 'config' })) as Result;
    expect(narrow).toEqual({
      from: 'v1',
      to: 'main',
      path: 'config',
      stat: { files: 1, additions: 1, deletions: 1 },
      files: [{ path: 'config/pool.yaml', additions: 1, deletions: 1 }],
      patch: expect.stringContaining('-pool_size: 50\n+pool_size: 200'),
    });
    const wide = (await run('git_diff', { from: 'v1', to: 'main' })) as Result;
    expect(wide.stat).toEqual({ files: 3, additions: 200_002, deletions: 1 });
    expect(String(wide.patch).length).toBeLessThan(20_100);
    expect(wide.notes).toEqual(['patch cut at 20000 characters; pass path to see one file']);
  });
});

describe('git_create_branch', () => {
  it('creates the ref at the revision without touching HEAD, the index or the working tree', async () => {
    const before = await readFile(join(repository, 'config/pool.yaml'), 'utf8');
    const result = await run('git_create_branch', { branch: 'hotfix/INC-1234', from: 'v1' });
    expect(result).toEqual({
      action: 'created branch',
      ref: 'refs/heads/hotfix/INC-1234',
      sha: shas[1],
      from: 'v1',
      repository,
    });
    expect(git(['rev-parse', 'refs/heads/hotfix/INC-1234'])).toBe(shas[1]);
    expect(git(['symbolic-ref', 'HEAD'])).toBe('refs/heads/main');
    expect(git(['status', '--porcelain'])).toBe('');
    expect(await readFile(join(repository, 'config/pool.yaml'), 'utf8')).toBe(before);
    await expect(
      run('git_create_branch', { branch: 'hotfix/INC-1234', from: 'main' }),
    ).rejects.toThrow(/already exists/);
    await expect(
      run('git_create_branch', { branch: 'hotfix/new', from: 'no-such-ref' }),
    ).rejects.toThrow(/^from "no-such-ref" is not a commit in /);
    await expect(run('git_create_branch', { branch: 'bad..name', from: 'main' })).rejects.toThrow(
      /not a valid branch name/,
    );
  });
});

describe('git tool guards', () => {
  it('refuse refs and paths starting with "-", which git would read as options', async () => {
    const planted = join(root, 'planted');
    const attempts: ReadonlyArray<readonly [string, JsonValue]> = [
      ['git_show', { revision: `--output=${planted}` }],
      ['git_log', { path: '--output=x' }],
      ['git_log', { revision: '--all' }],
      ['git_diff', { from: '--no-index', to: '/etc/passwd' }],
      ['git_diff', { from: 'v1', to: 'main', path: '-R' }],
      ['git_create_branch', { branch: '-D', from: 'main' }],
      ['git_create_branch', { branch: 'x', from: '--orphan' }],
    ];
    for (const [name, input] of attempts) {
      await expect(run(name, input), `${name} ${JSON.stringify(input)}`).rejects.toThrow(
        /starts with "-", which git would read as an option/,
      );
    }
    expect(existsSync(planted)).toBe(false);
    expect(git(['branch', '--list', 'x'])).toBe('');
  });

  it('say clearly when the path is not a repository, does not exist, or none is configured', async () => {
    const plain = join(root, 'not-a-checkout');
    await mkdir(plain, { recursive: true });
    await expect(run('git_log', { repository: plain }, tools(null))).rejects.toThrow(
      `${plain} is not a git repository (nor is any parent directory)`,
    );
    await expect(
      run('git_log', { repository: join(root, 'missing') }, tools(null)),
    ).rejects.toThrow(`repository ${join(root, 'missing')} does not exist`);
    await expect(run('git_log', {}, tools(null))).rejects.toThrow(
      /^no git repository: pass repository .* or set tools\.git\.repository or WARROOM_GIT_REPO/,
    );
    await expect(run('git_show', { revision: 'no-such-ref' })).rejects.toThrow(
      /^git show failed: fatal: .*no-such-ref/,
    );
  });

  it('refuse an input repository other than the configured checkout', async () => {
    await expect(run('git_log', { repository: '/etc' })).rejects.toThrow(
      `repository /etc is not the configured checkout (${repository}); omit repository`,
    );
    expect(await run('git_log', { repository, limit: 1 })).toMatchObject({
      commits: [expect.anything()],
    });
  });

  it('stop when the run is aborted, with the abort reason rather than a git error', async () => {
    const controller = new AbortController();
    controller.abort(new Error('run cancelled'));
    const tool = tools().get('git_log');
    await expect(
      tool?.run({}, { signal: controller.signal, run: 'test-run', subtask: 1 }),
    ).rejects.toThrow('run cancelled');
  });
});
