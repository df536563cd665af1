/** The GitHub tool set: reads for an incident timeline, and two approval-gated writes. */
import type { Tool } from '../tool.js';
import type { ToolsConfig } from '../tools-config.js';
import { createBranchTool } from './create-branch-tool.js';
import { createPullRequestTool } from './create-pull-request-tool.js';
import { getCommitTool } from './get-commit-tool.js';
import { getFileTool } from './get-file-tool.js';
import { createGitHubClient } from './github-client.js';
import { listCommitsTool } from './list-commits-tool.js';
import { listDeploymentsTool } from './list-deployments-tool.js';
import { listPullRequestsTool } from './list-pull-requests-tool.js';
import { listReleasesTool } from './list-releases-tool.js';
import { searchIssuesTool } from './search-issues-tool.js';

export interface GitHubToolsDependencies {
  /** Resolves relative times such as `now-6h`; injected so tests and replays agree. */
  clock?: () => Date;
}

/**
 * `config.token` is the file's value after the environment's GITHUB_TOKEN has
 * overridden it (see applyEnvironment); without one, reads still work against
 * public repositories and say so in their result, and writes refuse to run.
 */
export function createGitHubTools(
  config: ToolsConfig['github'],
  dependencies: GitHubToolsDependencies = {},
): Tool[] {
  const client = createGitHubClient(
    config,
    dependencies.clock === undefined ? {} : { clock: dependencies.clock },
  );
  return [
    listCommitsTool(client),
    getCommitTool(client),
    listPullRequestsTool(client),
    listDeploymentsTool(client),
    listReleasesTool(client),
    getFileTool(client),
    searchIssuesTool(client),
    createBranchTool(client),
    createPullRequestTool(client),
  ];
}
