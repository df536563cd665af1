/** Input schema pieces the git tools share, so each field reads the same in every tool. */
import type { JsonSchema } from '../../provider/spec.js';

export const repositoryProperty: JsonSchema = {
  type: 'string',
  description:
    'Path of the local checkout; defaults to the configured one (tools.git.repository or WARROOM_GIT_REPO).',
};

export const revisionPattern = '^[^-\\s][^\\s]*$';

export function revisionProperty(description: string): JsonSchema {
  return { type: 'string', minLength: 1, maxLength: 256, pattern: revisionPattern, description };
}

export const pathProperty: JsonSchema = {
  type: 'string',
  minLength: 1,
  pattern: '^[^-]',
  description: 'Only changes under this path (file or directory, relative to the checkout root).',
};
