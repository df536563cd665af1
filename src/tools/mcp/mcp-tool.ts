/**
 * One MCP tool as a warroom `Tool`. What the server says about a tool is
 * untrusted: its description reaches the model (marked as the server's), its
 * annotations are shown but never lower the effect class (only the operator's
 * config does), and its definition is pinned on first use so a later change
 * makes the tool refuse to run instead of silently steering the model.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { WarroomError } from '../../errors.js';
import type { JsonSchema, JsonValue } from '../../provider/spec.js';
import type { Tool, ToolContext, ToolEffect } from '../tool.js';
import { type McpPinStore, mcpToolDefinitionHash } from './mcp-pin-store.js';
import {
  asJsonValue,
  capResult,
  type McpCallResult,
  mcpErrorText,
  mcpResultValue,
} from './mcp-result-json.js';
import type { McpListedTool } from './mcp-server-connection.js';

/** An MCP tool answered with `isError`: the message is the server's. */
export class McpToolError extends Error {
  readonly server: string;
  readonly tool: string;

  constructor(server: string, tool: string, message: string) {
    super(message);
    this.name = 'McpToolError';
    this.server = server;
    this.tool = tool;
  }
}

export interface McpToolOptions {
  server: string;
  listed: McpListedTool;
  /** The warroom name (`<server>__<tool>`, sanitised). */
  name: string;
  effect: ToolEffect;
  /** The schema advertised to the model: the server's, less its `$schema` draft marker. */
  inputSchema: JsonSchema;
  client: Client;
  pins: McpPinStore;
  callTimeoutMs: number;
  maxResultChars: number;
  isClosed(): boolean;
}

/** Server descriptions are capped: a long one is more room for instructions aimed at the model. */
const maxDescriptionChars = 2000;
const requestTimeoutCode = -32001;

const hintNames = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const;

function hintsText(listed: McpListedTool): string {
  const annotations = listed.annotations;
  if (annotations === undefined) return 'none';
  const shown = hintNames
    .filter((hint) => typeof annotations[hint] === 'boolean')
    .map((hint) => `${hint}=${String(annotations[hint])}`);
  return shown.length > 0 ? shown.join(', ') : 'none';
}

function effectText(effect: ToolEffect): string {
  return effect === 'read' ? 'read' : 'write (runs only when the operator approves it)';
}

export function mcpToolDescription(
  server: string,
  listed: McpListedTool,
  effect: ToolEffect,
): string {
  const said = (listed.description ?? listed.title ?? '').trim();
  const capped =
    said.length > maxDescriptionChars ? `${said.slice(0, maxDescriptionChars)}…` : said;
  const facts = `[MCP tool "${listed.name}" of server "${server}"; the server's hints (not verified): ${hintsText(listed)}; effect: ${effectText(effect)}]`;
  return capped.length > 0 ? `${capped}\n\n${facts}` : facts;
}

/** What the model sees of a tool whose definition no longer matches its pin. */
function blockedDescription(server: string, listed: McpListedTool): string {
  return `[MCP tool "${listed.name}" of server "${server}" is blocked: its definition changed since it was approved, so it refuses to run until the operator reviews it]`;
}

export function definitionHash(listed: McpListedTool): string {
  return mcpToolDefinitionHash({
    name: listed.name,
    description: listed.description,
    inputSchema: asJsonValue(listed.inputSchema),
  });
}

function changedError(
  server: string,
  listed: McpListedTool,
  name: string,
  pinned: string,
  now: string,
): WarroomError {
  return new WarroomError({
    code: 'TOOL_DENIED',
    message: `the MCP server ${server} changed tool ${listed.name} since it was approved (pinned sha256 ${pinned.slice(0, 16)}…, now ${now.slice(0, 16)}…): review it and run \`warroom tools pin --reset ${name}\``,
  });
}

function isJsonObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function callFailure(options: McpToolOptions, error: unknown): Error {
  const { server, listed, callTimeoutMs } = options;
  if (typeof error === 'object' && error !== null && 'code' in error) {
    if (error.code === requestTimeoutCode) {
      return new Error(
        `the MCP server ${server} did not answer ${listed.name} within ${callTimeoutMs} ms`,
        { cause: error },
      );
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`the MCP server ${server} failed to run ${listed.name}: ${message}`, {
    cause: error,
  });
}

type AnyCallResult = Awaited<ReturnType<Client['callTool']>>;

/** Servers older than the 2024-11 protocol answer `{toolResult}` instead of content parts. */
function hasContent(result: AnyCallResult): result is McpCallResult {
  return Array.isArray(result.content);
}

export function createMcpTool(options: McpToolOptions): Tool {
  const { server, listed, name, effect, pins } = options;
  const hash = definitionHash(listed);
  const pinned = pins.get(server, listed.name);
  const blocked = pinned !== undefined && pinned !== hash;

  async function checkPin(): Promise<void> {
    // Read the store at every call: the operator may reset a pin while warroom runs.
    const current = pins.get(server, listed.name);
    if (current === undefined) await pins.set(server, listed.name, hash);
    else if (current !== hash) throw changedError(server, listed, name, current, hash);
  }

  async function run(input: JsonValue, context: ToolContext): Promise<JsonValue> {
    if (options.isClosed()) throw new Error(`the connection to the MCP server ${server} is closed`);
    await checkPin();
    if (!isJsonObject(input)) throw new Error(`${name} takes a JSON object as input`);
    let result: AnyCallResult;
    try {
      result = await options.client.callTool({ name: listed.name, arguments: input }, undefined, {
        signal: context.signal,
        timeout: options.callTimeoutMs,
      });
    } catch (error) {
      // Cancellation is the run's: pass it on as it is so the loop recognises it.
      if (context.signal.aborted) throw error;
      throw callFailure(options, error);
    }
    const { maxResultChars } = options;
    if (!hasContent(result)) {
      return capResult(asJsonValue(result.toolResult), maxResultChars, name, context);
    }
    if (result.isError === true) throw new McpToolError(server, listed.name, mcpErrorText(result));
    return capResult(mcpResultValue(result), maxResultChars, name, context);
  }

  return {
    name,
    description: blocked
      ? blockedDescription(server, listed)
      : mcpToolDescription(server, listed, effect),
    // A blocked tool's schema is the server's new, unreviewed text too: keep it from the model.
    inputSchema: blocked ? { type: 'object' } : options.inputSchema,
    effect,
    run,
  };
}
