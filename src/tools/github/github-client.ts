/**
 * The one Octokit a GitHub tool set shares, built on first use: `@octokit/rest` is
 * imported dynamically so `warroom --help` never loads it. Holds the per-set
 * settings (token, base URL for GitHub Enterprise or a test server, default
 * repository, clock) and the rules every tool follows: repository names, time
 * limits, the no-token warning, and errors turned into `GitHubRequestError`.
 */
import type { Octokit } from '@octokit/rest';
import type { ToolsConfig } from '../tools-config.js';
import { toGitHubRequestError } from './github-error.js';

export interface RepositoryName {
  owner: string;
  repo: string;
}

export interface GitHubClient {
  octokit(): Promise<Octokit>;
  readonly authenticated: boolean;
  now(): Date;
  /** owner/name from the input, else the configured default; an error names both ways to set it. */
  repository(fromInput: string | undefined): RepositoryName;
  /** Per-request options: the run's abort signal joined with a time limit. */
  request(signal: AbortSignal): { signal: AbortSignal };
  /** Fields every read result carries: a warning when no token is set. */
  readNotes(): { warning?: string };
  /** Writes never run unauthenticated: GitHub would refuse them anyway, less clearly. */
  requireToken(toolName: string): void;
}

export interface GitHubClientOptions {
  clock?: () => Date;
  /** Per request; the API answers in well under a second when it is healthy. */
  timeoutMs?: number;
}

const repositoryPattern = /^([\w.-]+)\/([\w.-]+)$/;

const unauthenticatedWarning =
  'no GitHub token: set GITHUB_TOKEN (or tools.github.token). Unauthenticated reads see public repositories only, at 60 requests an hour.';

// The library never prints: Octokit's request log and deprecation notices go nowhere.
const silentLog = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

export function createGitHubClient(
  config: ToolsConfig['github'],
  options: GitHubClientOptions = {},
): GitHubClient {
  const token = config?.token;
  const authenticated = token !== undefined && token !== '';
  const timeoutMs = options.timeoutMs ?? 30_000;
  // A trailing slash would double up with every route's leading one.
  const baseUrl = (config?.baseUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  let loading: Promise<Octokit> | undefined;

  async function build(): Promise<Octokit> {
    const { Octokit: OctokitClass } = await import('@octokit/rest');
    const octokit = new OctokitClass({
      ...(authenticated ? { auth: token } : {}),
      baseUrl,
      userAgent: 'warroom',
      log: silentLog,
    });
    octokit.hook.error('request', (error) => {
      throw toGitHubRequestError(error, { authenticated, baseUrl });
    });
    return octokit;
  }

  return {
    authenticated,
    now: options.clock ?? (() => new Date()),
    octokit() {
      loading ??= build();
      return loading;
    },
    repository(fromInput) {
      const name = fromInput ?? config?.repository;
      if (name === undefined) {
        throw new Error(
          'no repository: pass repository as owner/name or set tools.github.repository',
        );
      }
      const match = repositoryPattern.exec(name);
      const [, owner, repo] = match ?? [];
      // "." and ".." would climb out of /repos/ once the URL is normalized.
      if (owner === undefined || repo === undefined || /^\.+$/.test(owner) || /^\.+$/.test(repo)) {
        throw new Error(`repository ${JSON.stringify(name)} is not owner/name`);
      }
      return { owner, repo };
    },
    request(signal) {
      return { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) };
    },
    readNotes() {
      return authenticated ? {} : { warning: unauthenticatedWarning };
    },
    requireToken(toolName) {
      if (!authenticated) {
        throw new Error(
          `${toolName} needs a GitHub token: set GITHUB_TOKEN (or tools.github.token) to a token allowed to write to the repository`,
        );
      }
    },
  };
}
