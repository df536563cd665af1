/**
 * One connection to one MCP server: spawn (stdio) or reach (streamable HTTP) it,
 * initialise, list its tools, and later close it. The SDK is imported on demand so
 * that loading warroom costs nothing when no MCP server is configured.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Tool as McpListedTool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../tools-config.js';

export type { McpListedTool };

export interface McpConnectOptions {
  clientName: string;
  clientVersion: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export interface McpServerConnection {
  name: string;
  client: Client;
  tools: McpListedTool[];
  /** The stdio child's process id; absent for HTTP servers. */
  pid?: number | undefined;
  close(): Promise<void>;
}

/** A server with more pages than this is broken or hostile; warroom stops listing. */
const maxToolPages = 20;
const stderrTailChars = 2000;

/**
 * Only what a server needs to start (PATH to find its interpreter, HOME for its
 * caches) plus what the config gives it: never warroom's own environment, which
 * holds provider keys. The SDK adds its own short safe list underneath (HOME,
 * LOGNAME, PATH, SHELL, TERM, USER), none of them secrets.
 */
export function minimalEnvironment(configured: Record<string, string>): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const key of ['PATH', 'HOME']) {
    const value = process.env[key];
    if (value !== undefined) environment[key] = value;
  }
  return { ...environment, ...configured };
}

interface BuiltTransport {
  transport: Transport;
  /** The last words of the server's stderr, for the error when it fails to start. */
  stderrTail(): string;
  pid(): number | undefined;
  /** Ends the HTTP session politely before the connection goes. */
  terminate(): Promise<void>;
}

async function buildTransport(config: McpServerConfig): Promise<BuiltTransport> {
  if (config.command !== undefined) {
    const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    // Remembers the child's pid: the SDK forgets it when the connection closes, and a
    // failed start must still be able to make sure the child is gone.
    class RememberingTransport extends StdioClientTransport {
      startedPid: number | undefined;
      override async start(): Promise<void> {
        await super.start();
        this.startedPid = this.pid ?? undefined;
      }
    }
    const transport = new RememberingTransport({
      command: config.command,
      args: config.args,
      env: minimalEnvironment(config.env),
      // Piped, not inherited: a server's chatter must not land in warroom's terminal.
      stderr: 'pipe',
    });
    let tail = '';
    transport.stderr?.on('data', (chunk: Buffer | string) => {
      tail = (tail + chunk.toString()).slice(-stderrTailChars);
    });
    return {
      transport,
      stderrTail: () => tail.trim(),
      pid: () => transport.startedPid,
      terminate: async () => {},
    };
  }
  if (config.url === undefined) {
    throw new Error('the server has neither a command (stdio) nor a url (streamable HTTP)');
  }
  const { StreamableHTTPClientTransport } = await import(
    '@modelcontextprotocol/sdk/client/streamableHttp.js'
  );
  const transport = new StreamableHTTPClientTransport(new URL(config.url));
  return {
    transport,
    stderrTail: () => '',
    pid: () => undefined,
    terminate: () => transport.terminateSession(),
  };
}

async function listAllTools(
  client: Client,
  options: McpConnectOptions,
  name: string,
): Promise<McpListedTool[]> {
  const tools: McpListedTool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxToolPages; page += 1) {
    const result = await client.listTools(cursor === undefined ? undefined : { cursor }, {
      timeout: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    tools.push(...result.tools);
    cursor = result.nextCursor;
    if (cursor === undefined) return tools;
  }
  throw new Error(`MCP server ${name} lists more than ${maxToolPages} pages of tools`);
}

function describeFailure(error: unknown, config: McpServerConfig, stderr: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  const where = config.command !== undefined ? `command ${config.command}` : `url ${config.url}`;
  const hint =
    code === 'ENOENT'
      ? `: ${config.command} was not found (is it installed and on PATH?)`
      : `: ${message}`;
  const said = stderr.length > 0 ? `; its stderr ended with: ${stderr}` : '';
  return `cannot connect to the MCP server (${where})${hint}${said}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * After a failed start the SDK closes the connection in the background, giving the
 * child seconds to leave; a server that failed gets no grace: SIGTERM now, SIGKILL
 * if it is still there a second later.
 */
async function endProcess(pid: number | undefined): Promise<void> {
  if (pid === undefined || !isAlive(pid)) return;
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGKILL'];
  for (const signal of signals) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    for (let waited = 0; waited < 1000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (!isAlive(pid)) return;
    }
  }
}

/** Connects and lists tools; on any failure the half-made connection is closed first. */
export async function connectMcpServer(
  name: string,
  config: McpServerConfig,
  options: McpConnectOptions,
): Promise<McpServerConnection> {
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const built = await buildTransport(config);
  // No capabilities: warroom answers no sampling, elicitation or roots requests.
  const client = new Client(
    { name: options.clientName, version: options.clientVersion },
    { capabilities: {} },
  );
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await built.terminate().catch(() => undefined);
      await client.close().catch(() => undefined);
    })();
    return closing;
  };
  try {
    await client.connect(built.transport, {
      timeout: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const tools = await listAllTools(client, options, name);
    return { name, client, tools, pid: built.pid(), close };
  } catch (error) {
    await close();
    await endProcess(built.pid());
    throw new Error(describeFailure(error, config, built.stderrTail()), { cause: error });
  }
}
