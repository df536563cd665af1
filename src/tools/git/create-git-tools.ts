/** The git tool set: three reads and one write over a local checkout. */
import type { Tool } from '../tool.js';
import type { ToolsConfig } from '../tools-config.js';
import { gitCreateBranchTool } from './git-create-branch-tool.js';
import { gitDiffTool } from './git-diff-tool.js';
import { gitLogTool } from './git-log-tool.js';
import { gitShowTool } from './git-show-tool.js';
import { defaultGitLimits, type GitToolSettings } from './git-tool-settings.js';

export interface GitToolsDependencies {
  /** Resolves relative times such as `now-6h`; injected so tests and replays agree. */
  clock?: () => Date;
}

export function createGitTools(
  config: ToolsConfig['git'],
  dependencies: GitToolsDependencies = {},
): Tool[] {
  const settings: GitToolSettings = {
    repository: config?.repository,
    now: dependencies.clock ?? (() => new Date()),
    ...defaultGitLimits,
  };
  return [
    gitLogTool(settings),
    gitShowTool(settings),
    gitDiffTool(settings),
    gitCreateBranchTool(settings),
  ];
}
