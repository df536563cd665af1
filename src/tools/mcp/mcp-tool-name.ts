/**
 * How an MCP tool is named in warroom, so persona allowlists and `--approve` can
 * name it: `<server>__<tool>`, where `<server>` is the key under `tools.mcp` in the
 * config and `<tool>` the name the server lists.
 *
 * - Every character outside `[a-zA-Z0-9_-]` becomes `_` (`get.alerts` → `get_alerts`),
 *   because that is the one name rule every provider accepts.
 * - A name longer than 64 characters keeps its first 55 and ends in `_` plus the first
 *   8 hex digits of sha256(`<server>\0<tool>`).
 * - When two tools would get the same name (`a.b` and `a_b`), each of them takes the
 *   hashed ending, so neither silently shadows the other and the result does not
 *   depend on the order the servers listed them.
 */
import { createHash } from 'node:crypto';

const maxLength = 64;
const keptBeforeHash = 55;

function sanitise(text: string): string {
  return text.replace(/[^a-zA-Z0-9_-]/g, '_');
}

function shortHash(server: string, tool: string): string {
  return createHash('sha256').update(`${server}\0${tool}`).digest('hex').slice(0, 8);
}

/** The hashed form: used for names too long, and for every name that collides. */
export function hashedMcpToolName(server: string, tool: string): string {
  const base = sanitise(`${server}__${tool}`).slice(0, keptBeforeHash);
  return `${base}_${shortHash(server, tool)}`;
}

/** The name a tool gets when nothing else collides with it. */
export function mcpToolName(server: string, tool: string): string {
  const name = sanitise(`${server}__${tool}`);
  return name.length === 0 || name.length > maxLength ? hashedMcpToolName(server, tool) : name;
}

export interface McpToolKey {
  server: string;
  tool: string;
}

/** Names for a whole set of tools, collisions resolved; the map is keyed by the input objects. */
export function assignMcpToolNames<Key extends McpToolKey>(keys: readonly Key[]): Map<Key, string> {
  const counts = new Map<string, number>();
  for (const key of keys) {
    const name = mcpToolName(key.server, key.tool);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const names = new Map<Key, string>();
  for (const key of keys) {
    const name = mcpToolName(key.server, key.tool);
    names.set(key, (counts.get(name) ?? 0) > 1 ? hashedMcpToolName(key.server, key.tool) : name);
  }
  return names;
}

/** Whether `name` is what warroom calls the tool (either form), for `--reset <name>`. */
export function isMcpToolName(name: string, server: string, tool: string): boolean {
  return name === mcpToolName(server, tool) || name === hashedMcpToolName(server, tool);
}
