/**
 * Trust on first use for MCP tool definitions. A tool's description and input
 * schema come from the server and reach the model as they are, so a server that
 * quietly rewrites them (a "rug pull") could steer the model. The first time a
 * tool runs, the sha256 of its definition is pinned; a later definition that
 * hashes differently makes the tool refuse to run until an operator reviews it
 * and resets the pin.
 *
 * The file store keeps `{ "version": 1, "servers": { "<server>": { "<tool>": "<sha256>" } } }`
 * (warroom puts it at `$WARROOM_HOME/mcp-pins.json`), written atomically.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WarroomError } from '../../errors.js';
import type { JsonValue } from '../../provider/spec.js';
import { parseJson } from '../../schema/parse-json.js';
import { isMcpToolName } from './mcp-tool-name.js';

export interface McpPin {
  server: string;
  tool: string;
  hash: string;
}

/** Pins keyed by the server's key in the config and the tool's own (unsanitised) name. */
export interface McpPinStore {
  get(server: string, tool: string): string | undefined;
  set(server: string, tool: string, hash: string): Promise<void>;
  /** Forgets a pin; true when there was one. */
  delete(server: string, tool: string): Promise<boolean>;
  entries(): McpPin[];
}

export interface McpToolDefinition {
  name: string;
  description?: string | undefined;
  inputSchema: JsonValue;
}

/** Object keys sorted at every level, so the same definition always hashes the same. */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] ?? null)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 (hex) of the definition as the server presented it: name, description, input schema. */
export function mcpToolDefinitionHash(definition: McpToolDefinition): string {
  const canonical = canonicalJson({
    name: definition.name,
    description: definition.description ?? '',
    inputSchema: definition.inputSchema,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

type PinTable = Map<string, Map<string, string>>;

function parsePinFile(text: string, file: string): PinTable {
  const table: PinTable = new Map();
  const result = parseJson(text);
  if (!result.ok) {
    throw corrupt(file, `it is not valid JSON (${result.message} at line ${result.line})`);
  }
  const parsed = result.value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw corrupt(file, 'it is not a JSON object');
  }
  const servers = parsed.servers;
  if (servers === undefined) return table;
  if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) {
    throw corrupt(file, '"servers" is not an object');
  }
  for (const [server, tools] of Object.entries(servers)) {
    if (typeof tools !== 'object' || tools === null || Array.isArray(tools)) {
      throw corrupt(file, `"servers.${server}" is not an object`);
    }
    const pins = new Map<string, string>();
    for (const [tool, hash] of Object.entries(tools)) {
      if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) {
        throw corrupt(file, `the pin of ${server}/${tool} is not a sha256 hex digest`);
      }
      pins.set(tool, hash);
    }
    table.set(server, pins);
  }
  return table;
}

function corrupt(file: string, reason: string): WarroomError {
  return new WarroomError({
    code: 'TOOL_DENIED',
    message: `the MCP pin file ${file} cannot be read: ${reason}; fix it or delete it (every MCP tool is then approved again on first use)`,
    file,
    userError: true,
  });
}

function serialise(table: PinTable): string {
  const servers = Object.fromEntries(
    [...table].map(([server, pins]) => [server, Object.fromEntries([...pins].sort())]),
  );
  return `${JSON.stringify({ version: 1, servers }, null, 2)}\n`;
}

function readTableSync(file: string): PinTable {
  try {
    return parsePinFile(readFileSync(file, 'utf8'), file);
  } catch (error) {
    if (isMissing(error)) return new Map();
    throw error;
  }
}

async function readTable(file: string): Promise<PinTable> {
  try {
    return parsePinFile(await readFile(file, 'utf8'), file);
  } catch (error) {
    if (isMissing(error)) return new Map();
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/**
 * Pins kept in a JSON file. Reads it once now; each change re-reads it, applies the
 * change and renames a temporary file over it, so a crash never leaves half a file
 * and another warroom process's pins are kept.
 */
export function createFilePinStore(file: string): McpPinStore {
  let table = readTableSync(file);
  // Changes in this process go one at a time, so none overwrites another.
  let queue: Promise<unknown> = Promise.resolve();

  function change<T>(apply: (latest: PinTable) => T): Promise<T> {
    const next = queue.then(async () => {
      const latest = await readTable(file);
      const result = apply(latest);
      await mkdir(dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await writeFile(temporary, serialise(latest), { mode: 0o600 });
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      table = latest;
      return result;
    });
    queue = next.catch(() => undefined);
    return next;
  }

  return {
    get: (server, tool) => table.get(server)?.get(tool),
    set: (server, tool, hash) =>
      change((latest) => {
        const pins = latest.get(server) ?? new Map<string, string>();
        pins.set(tool, hash);
        latest.set(server, pins);
      }),
    delete: (server, tool) =>
      change((latest) => {
        const pins = latest.get(server);
        const removed = pins?.delete(tool) ?? false;
        if (pins?.size === 0) latest.delete(server);
        return removed;
      }),
    entries: () =>
      [...table].flatMap(([server, pins]) =>
        [...pins].map(([tool, hash]) => ({ server, tool, hash })),
      ),
  };
}

/**
 * Forgets the pins `name` selects: a warroom tool name (`<server>__<tool>`) or a
 * whole server. The next use pins the definition the server presents then.
 * Returns the pins removed (none: the name matched nothing).
 */
export async function resetPin(store: McpPinStore, name: string): Promise<McpPin[]> {
  const matching = store
    .entries()
    .filter((pin) => pin.server === name || isMcpToolName(name, pin.server, pin.tool));
  for (const pin of matching) await store.delete(pin.server, pin.tool);
  return matching;
}
