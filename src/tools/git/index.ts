/**
 * tools/git/: tools over a local git checkout through the real `git` binary
 * (`git_log`, `git_show`, `git_diff`, and the write `git_create_branch`). Runs git
 * with execFile (no shell), fixed safe settings, a time limit and an output cap,
 * and refuses any revision or path that git could read as an option. Knows
 * nothing of chains, the engine or providers.
 *
 * The small helpers here (tool input, relative times, truncation, branch names)
 * are shared with tools/github/.
 */
export { createGitTools, type GitToolsDependencies } from './create-git-tools.js';
