/**
 * What the MCP tests share: where the real servers from npm live, a tool context,
 * a pin store in a temporary directory, and a check that a process has ended.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Tool, ToolContext } from '../../../src/tools/tool.js';

export const everythingServer = resolve(
  'node_modules/@modelcontextprotocol/server-everything/dist/index.js',
);
export const filesystemServer = resolve(
  'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js',
);
export const tinyServer = resolve('test/tools/mcp/tiny-mcp-server.mjs');

export function toolContext(signal: AbortSignal = new AbortController().signal): ToolContext {
  return { signal, run: 'mcp-test', subtask: 1 };
}

export function findTool(tools: readonly Tool[], name: string): Tool {
  const tool = tools.find((candidate) => candidate.name === name);
  if (tool === undefined)
    throw new Error(`no tool ${name}; have ${tools.map((t) => t.name).join(', ')}`);
  return tool;
}

export async function temporaryDirectory(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'warroom-mcp-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Live processes whose command line contains `marker` (Linux /proc; zombies have none). */
export async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const commandLine = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (commandLine.includes(marker)) found.push(Number(entry));
  }
  return found;
}
