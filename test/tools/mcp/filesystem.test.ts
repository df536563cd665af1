/**
 * The MCP tool set against `@modelcontextprotocol/server-filesystem` on a temporary
 * directory: a server whose write tools say they are destructive.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectMcpTools,
  createFilePinStore,
  type McpTools,
} from '../../../src/tools/mcp/index.js';
import { filesystemServer, findTool, temporaryDirectory, toolContext } from './mcp-test-support.js';

describe('MCP tools from server-filesystem', () => {
  let connected: McpTools;
  let served: Awaited<ReturnType<typeof temporaryDirectory>>;
  let home: Awaited<ReturnType<typeof temporaryDirectory>>;

  beforeAll(async () => {
    served = await temporaryDirectory();
    home = await temporaryDirectory();
    await writeFile(join(served.path, 'runbook.md'), '# Restart the payments API\n');
    connected = await connectMcpTools(
      {
        files: {
          command: process.execPath,
          args: [filesystemServer, served.path],
          env: {},
          effects: { read_file: 'read' },
        },
      },
      { pins: createFilePinStore(join(home.path, 'mcp-pins.json')) },
    );
  });

  afterAll(async () => {
    await connected?.close();
    await served?.remove();
    await home?.remove();
  });

  it('keeps write_file a write tool: its destructiveHint is shown, not trusted', () => {
    const write = findTool(connected.tools, 'files__write_file');
    expect(write.effect).toBe('write');
    expect(write.description).toContain('destructiveHint=true');
    expect(write.description).toContain('effect: write');
    // A tool the server calls read-only is still write until the config says read.
    expect(findTool(connected.tools, 'files__list_directory').effect).toBe('write');
  });

  it('reads a file through read_file when the config makes it read', async () => {
    const read = findTool(connected.tools, 'files__read_file');
    expect(read.effect).toBe('read');
    const result = await read.run({ path: join(served.path, 'runbook.md') }, toolContext());
    expect(result).toEqual({ content: '# Restart the payments API\n' });
  });

  it('runs write_file when called (approval is the loop’s job) and the file changes', async () => {
    const write = findTool(connected.tools, 'files__write_file');
    const target = join(served.path, 'notes.md');
    await write.run({ path: target, content: 'rolled back v42' }, toolContext());
    await expect(readFile(target, 'utf8')).resolves.toBe('rolled back v42');
  });

  it('reports a path outside the allowed directory as a thrown error', async () => {
    const read = findTool(connected.tools, 'files__read_file');
    await expect(read.run({ path: '/etc/passwd' }, toolContext())).rejects.toThrow(
      /outside allowed directories|Access denied/i,
    );
  });
});
