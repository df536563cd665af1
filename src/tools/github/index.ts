/**
 * tools/github/: GitHub tools over `@octokit/rest` (loaded on first use): reads
 * for an incident timeline (`list_commits`, `get_commit`, `list_pull_requests`,
 * `list_deployments`, `list_releases`, `get_file`, `search_issues`) and the writes
 * `create_branch` and `create_pull_request`, which the engine runs only with
 * approval. Results are compact JSON with long fields cut and a note saying so;
 * API failures throw `GitHubRequestError` (status and GitHub's message), which the
 * agent loop reports to the model. Knows nothing of chains, the engine or providers.
 */
export { createGitHubTools, type GitHubToolsDependencies } from './create-github-tools.js';
export { GitHubRequestError } from './github-error.js';
