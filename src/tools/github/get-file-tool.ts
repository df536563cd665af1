/** `get_file`: a file's text (or a directory's entries) at a ref, such as the config that shipped. */
import type { JsonValue } from '../../provider/spec.js';
import { optionalString, requiredString, toolInput } from '../git/tool-input.js';
import { truncateText } from '../git/truncate-text.js';
import type { Tool } from '../tool.js';
import type { GitHubClient } from './github-client.js';
import { commitRefPattern, repositoryProperty } from './github-schema.js';

const maxContentChars = 20_000;
const maxEntries = 200;

function entriesOf(data: unknown): JsonValue[] | undefined {
  if (!Array.isArray(data)) return undefined;
  return data.slice(0, maxEntries).map((entry: unknown) => {
    const fields = typeof entry === 'object' && entry !== null ? entry : {};
    const name = 'name' in fields && typeof fields.name === 'string' ? fields.name : '';
    const type = 'type' in fields && typeof fields.type === 'string' ? fields.type : 'file';
    const size = 'size' in fields && typeof fields.size === 'number' ? fields.size : null;
    const listed: JsonValue = type === 'dir' ? { name, type } : { name, type, size };
    return listed;
  });
}

/** The raw media type answers with text, or bytes when GitHub does not call it text. */
function textOf(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) {
    const bytes = new Uint8Array(data);
    if (bytes.includes(0)) return undefined;
    return new TextDecoder('utf-8').decode(bytes);
  }
  return undefined;
}

export function getFileTool(client: GitHubClient): Tool {
  return {
    name: 'get_file',
    description:
      'A file of a GitHub repository as text at a branch, tag or sha (default: the default branch), ' +
      `cut at ${maxContentChars} characters; for a directory, its entries. Use it to read the ` +
      'configuration or code that was deployed.',
    effect: 'read',
    inputSchema: {
      type: 'object',
      properties: {
        repository: repositoryProperty,
        path: {
          type: 'string',
          minLength: 1,
          pattern: '^[^/]',
          description: 'Path from the repository root, such as deploy/values.yaml.',
        },
        ref: { type: 'string', pattern: commitRefPattern, description: 'Branch, tag or sha.' },
      },
      required: ['path'],
      additionalProperties: false,
    },
    async run(rawInput, context) {
      const input = toolInput(rawInput);
      const { owner, repo } = client.repository(optionalString(input, 'repository'));
      const path = requiredString(input, 'path');
      if (path.split('/').includes('..')) throw new Error('path must not contain ".."');
      const ref = optionalString(input, 'ref');
      const octokit = await client.octokit();
      const { data } = await octokit.rest.repos.getContent({
        owner,
        repo,
        path,
        ...(ref === undefined ? {} : { ref }),
        mediaType: { format: 'raw' },
        request: client.request(context.signal),
      });
      const where = { path, ...(ref === undefined ? {} : { ref }) };
      const entries = entriesOf(data);
      if (entries !== undefined) {
        const count = Array.isArray(data) ? data.length : entries.length;
        return {
          ...where,
          type: 'dir',
          entries,
          ...(count > maxEntries ? { note: `${count - maxEntries} more entries not shown` } : {}),
          ...client.readNotes(),
        };
      }
      const text = textOf(data);
      if (text === undefined) {
        return { ...where, type: 'file', binary: true, ...client.readNotes() };
      }
      return {
        ...where,
        type: 'file',
        characters: text.length,
        content: truncateText(text, maxContentChars),
        ...client.readNotes(),
      };
    },
  };
}
