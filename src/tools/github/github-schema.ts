/** Input schema pieces and request rules the GitHub tools share. */
import type { JsonSchema } from '../../provider/spec.js';

export const repositoryProperty: JsonSchema = {
  type: 'string',
  pattern: '^[\\w.-]+/[\\w.-]+$',
  description: 'owner/name; defaults to the configured repository (tools.github.repository).',
};

export function timeProperty(description: string): JsonSchema {
  return {
    type: 'string',
    description: `${description} RFC 3339 (2026-11-26T06:00:00Z) or relative (now-6h, now-2d).`,
  };
}

export function limitProperty(max: number, fallback: number): JsonSchema {
  return {
    type: 'integer',
    minimum: 1,
    maximum: max,
    description: `How many to return (default ${fallback}, at most ${max}).`,
  };
}

/** A commit sha or a branch/tag name as the commits API takes it. */
export const commitRefPattern = '^\\w[\\w./-]{0,254}$';

/** GitHub's page size when `per_page` is left out. */
const githubDefaultPage = 30;

/**
 * `per_page` only when it differs from GitHub's default, so a default request is
 * the same URL a browser or GitHub's own recordings use.
 */
export function pageParameters(limit: number): { per_page?: number } {
  return limit === githubDefaultPage ? {} : { per_page: limit };
}

/** The note a list result carries when a full page came back and more may exist. */
export function moreNote(count: number, limit: number, advice: string): { note?: string } {
  return count >= limit ? { note: `showing the first ${limit}; there may be more: ${advice}` } : {};
}
