/**
 * Connects every configured MCP server and offers its tools as warroom tools.
 * Servers connect in parallel; one that fails is reported and left out, the
 * others still serve. The caller connects before a run and closes after it.
 */
import type { JsonSchema } from '../../provider/spec.js';
import type { Tool, ToolEffect } from '../tool.js';
import type { ToolsConfig } from '../tools-config.js';
import type { McpPinStore } from './mcp-pin-store.js';
import { asJsonValue } from './mcp-result-json.js';
import {
  connectMcpServer,
  type McpListedTool,
  type McpServerConnection,
} from './mcp-server-connection.js';
import { createMcpTool, definitionHash } from './mcp-tool.js';
import { assignMcpToolNames } from './mcp-tool-name.js';

export interface McpConnectDeps {
  /** Where tool definitions are pinned on first use (`createFilePinStore`). */
  pins: McpPinStore;
  /** Sent to servers in `initialize`; default `warroom`. */
  clientName?: string;
  clientVersion?: string;
  /** Cancels connecting (not the calls made later: each call has its own signal). */
  signal?: AbortSignal;
  /** Per server, for initialise and each page of the tool list; default 10 s. */
  connectTimeoutMs?: number;
  /** Per tool call; default 60 s. */
  callTimeoutMs?: number;
  /** A result whose JSON is longer is capped (see `capResult`); default 65536. */
  maxResultChars?: number;
}

export interface McpServerStatus {
  name: string;
  status: 'connected' | 'failed';
  error?: string;
  toolCount: number;
  /** The stdio child's process id. */
  pid?: number;
  /** Warroom names of tools whose definition differs from its pin: they refuse to run. */
  changed?: string[];
  /** Tools left out, with why (an input schema JSON Schema 2020-12 cannot compile). */
  skipped?: Array<{ tool: string; reason: string }>;
}

export interface McpTools {
  tools: Tool[];
  servers: McpServerStatus[];
  /** Closes every connection and ends every stdio child; safe to call twice. */
  close(): Promise<void>;
}

interface Candidate {
  server: string;
  tool: string;
  listed: McpListedTool;
  connection: McpServerConnection;
  effect: ToolEffect;
  inputSchema: JsonSchema;
}

/** Draft-07 servers mark their schemas so; warroom validates with draft 2020-12 and drops the marker. */
function advertisedSchema(listed: McpListedTool): JsonSchema {
  const schema = asJsonValue(listed.inputSchema);
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return { type: 'object' };
  }
  const { $schema: _draft, ...rest } = schema;
  return rest;
}

export async function connectMcpTools(
  config: ToolsConfig['mcp'],
  deps: McpConnectDeps,
): Promise<McpTools> {
  const entries = Object.entries(config ?? {});
  const options = {
    clientName: deps.clientName ?? 'warroom',
    clientVersion: deps.clientVersion ?? '1.0.0',
    timeoutMs: deps.connectTimeoutMs ?? 10_000,
    signal: deps.signal,
  };
  const settled = await Promise.allSettled(
    entries.map(([name, server]) => connectMcpServer(name, server, options)),
  );
  const connections: McpServerConnection[] = [];
  const statuses = new Map<string, McpServerStatus>();
  settled.forEach((outcome, index) => {
    const name = entries[index]?.[0] ?? '';
    if (outcome.status === 'fulfilled') {
      connections.push(outcome.value);
      const { pid } = outcome.value;
      statuses.set(name, { name, status: 'connected', toolCount: 0, ...(pid ? { pid } : {}) });
    } else {
      const { reason } = outcome;
      const error = reason instanceof Error ? reason.message : String(reason);
      statuses.set(name, { name, status: 'failed', error, toolCount: 0 });
    }
  });

  let closed = false;
  const close = async (): Promise<void> => {
    closed = true;
    await Promise.allSettled(connections.map((connection) => connection.close()));
  };
  if (deps.signal?.aborted) {
    await close();
    deps.signal.throwIfAborted();
  }

  const candidates = await toolCandidates(connections, config, statuses);
  const names = assignMcpToolNames(candidates);
  const tools = candidates.map((candidate) => {
    const name = names.get(candidate) ?? '';
    const status = statuses.get(candidate.server);
    if (status) status.toolCount += 1;
    const pinned = deps.pins.get(candidate.server, candidate.tool);
    if (status && pinned !== undefined && pinned !== definitionHash(candidate.listed)) {
      status.changed = [...(status.changed ?? []), name];
    }
    return createMcpTool({
      server: candidate.server,
      listed: candidate.listed,
      name,
      effect: candidate.effect,
      inputSchema: candidate.inputSchema,
      client: candidate.connection.client,
      pins: deps.pins,
      callTimeoutMs: deps.callTimeoutMs ?? 60_000,
      maxResultChars: deps.maxResultChars ?? 65_536,
      isClosed: () => closed,
    });
  });
  return { tools, servers: [...statuses.values()], close };
}

/** Every listed tool warroom can offer, with its effect from the config (default write). */
async function toolCandidates(
  connections: readonly McpServerConnection[],
  config: ToolsConfig['mcp'],
  statuses: ReadonlyMap<string, McpServerStatus>,
): Promise<Candidate[]> {
  const { createSchemaValidator } = await import('../../schema/schema-validator.js');
  const validator = createSchemaValidator();
  const servers = new Map(Object.entries(config ?? {}));
  const candidates: Candidate[] = [];
  for (const connection of connections) {
    const status = statuses.get(connection.name);
    // A Map, not the config object: tool names come from the server (`__proto__`).
    const effects = new Map(Object.entries(servers.get(connection.name)?.effects ?? {}));
    for (const listed of connection.tools) {
      const inputSchema = advertisedSchema(listed);
      // A schema ajv cannot compile would fail every call in the loop's input check.
      const compiled = validator.compile(inputSchema, `mcp:${connection.name}:${listed.name}`);
      if (!compiled.ok) {
        if (status) {
          status.skipped = [
            ...(status.skipped ?? []),
            { tool: listed.name, reason: compiled.message },
          ];
        }
        continue;
      }
      candidates.push({
        server: connection.name,
        tool: listed.name,
        listed,
        connection,
        effect: effects.get(listed.name) ?? 'write',
        inputSchema,
      });
    }
  }
  return candidates;
}
