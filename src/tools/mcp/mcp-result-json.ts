/**
 * An MCP tool result as the JSON value a warroom tool returns. Text stays text
 * (parsed when it is JSON, since servers often serialise objects into a text
 * part), binary parts are summarised rather than pasted into the model's context,
 * and the whole is capped so one call cannot flood a conversation.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { JsonValue } from '../../provider/spec.js';
import { parseJson } from '../../schema/parse-json.js';
import type { ToolContext } from '../tool.js';

/** What `Client.callTool` resolves to, less the pre-2024 `toolResult` form. */
export type McpCallResult = Extract<Awaited<ReturnType<Client['callTool']>>, { content: unknown }>;
type ContentPart = McpCallResult['content'][number];

/** Any value as JSON: undefined and functions dropped, non-finite numbers null. */
export function asJsonValue(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map((item) => asJsonValue(item ?? null));
  if (typeof value === 'object') {
    // fromEntries defines own properties, so a "__proto__" key stays a plain key.
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined && typeof item !== 'function')
        .map(([key, item]) => [key, asJsonValue(item)]),
    );
  }
  return value === undefined ? null : String(value);
}

function textValue(text: string): JsonValue {
  const trimmed = text.trim();
  if (!/^[[{]/.test(trimmed)) return text;
  const parsed = parseJson(trimmed);
  return parsed.ok ? parsed.value : text;
}

function base64Size(data: string): number {
  return Buffer.byteLength(data, 'base64');
}

function partValue(part: ContentPart): JsonValue {
  switch (part.type) {
    case 'text':
      return textValue(part.text);
    case 'image':
    case 'audio':
      return { type: part.type, mimeType: part.mimeType, size: base64Size(part.data) };
    case 'resource': {
      const { resource } = part;
      const mimeType = resource.mimeType ?? null;
      // A text resource is often the answer itself (a file's contents): keep it.
      if ('text' in resource && typeof resource.text === 'string') {
        const size = Buffer.byteLength(resource.text);
        return { type: 'resource', uri: resource.uri, mimeType, size, text: resource.text };
      }
      const blob = 'blob' in resource && typeof resource.blob === 'string' ? resource.blob : '';
      return { type: 'resource', uri: resource.uri, mimeType, size: base64Size(blob) };
    }
    case 'resource_link':
      return {
        type: 'resource_link',
        uri: part.uri,
        name: part.name,
        mimeType: part.mimeType ?? null,
        ...(part.size !== undefined ? { size: part.size } : {}),
      };
    default:
      return asJsonValue(part);
  }
}

/**
 * The result's data: its structured content when the server sent some (the typed
 * form, which the SDK has checked against the tool's output schema), else its
 * content parts, a single part unwrapped.
 */
export function mcpResultValue(result: McpCallResult): JsonValue {
  if (result.structuredContent !== undefined) return asJsonValue(result.structuredContent);
  const parts = result.content.map(partValue);
  if (parts.length === 0) return null;
  return parts.length === 1 ? (parts[0] ?? null) : parts;
}

/** What an error result says, for the thrown error's message. */
export function mcpErrorText(result: McpCallResult): string {
  const text = result.content
    .filter((part) => part.type === 'text')
    .map((part) => part.text.trim())
    .filter((line) => line.length > 0)
    .join('\n');
  return text.length > 0 ? text : 'the MCP tool reported an error without a message';
}

const previewChars = 4096;

/**
 * Keeps results under `maxChars` of JSON. A larger one goes whole to the run's
 * artifacts (when the run has a writer) and the model gets a preview and the path.
 */
export async function capResult(
  value: JsonValue,
  maxChars: number,
  toolName: string,
  context: ToolContext,
): Promise<JsonValue> {
  const serialised = JSON.stringify(value);
  if (serialised === undefined || serialised.length <= maxChars) return value;
  const capped = {
    truncated: true,
    size: serialised.length,
    preview: serialised.slice(0, Math.min(previewChars, maxChars)),
  };
  if (context.artifacts === undefined) return capped;
  const name = `mcp-${toolName}-${context.toolCallId ?? Date.now().toString(36)}.json`;
  const artifact = await context.artifacts.write(name, serialised, context.signal);
  return { ...capped, artifact };
}
