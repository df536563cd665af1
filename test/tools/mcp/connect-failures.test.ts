/**
 * A server that cannot be reached is reported and left out; the others still serve.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectMcpTools, createFilePinStore } from '../../../src/tools/mcp/index.js';
import {
  findTool,
  processesWith,
  temporaryDirectory,
  tinyServer,
  toolContext,
} from './mcp-test-support.js';

describe('MCP servers that fail to connect', () => {
  let home: Awaited<ReturnType<typeof temporaryDirectory>>;

  beforeEach(async () => {
    home = await temporaryDirectory();
  });

  afterEach(async () => {
    await home.remove();
  });

  it('reports a missing command as failed and still connects the other servers', async () => {
    const connected = await connectMcpTools(
      {
        missing: { command: 'warroom-no-such-mcp-server', args: [], env: {}, effects: {} },
        tiny: { command: process.execPath, args: [tinyServer], env: {}, effects: {} },
      },
      { pins: createFilePinStore(join(home.path, 'mcp-pins.json')) },
    );
    try {
      expect(connected.servers).toEqual([
        {
          name: 'missing',
          status: 'failed',
          error: expect.stringContaining('warroom-no-such-mcp-server was not found'),
          toolCount: 0,
        },
        expect.objectContaining({ name: 'tiny', status: 'connected' }),
      ]);
      expect(connected.tools.some((tool) => tool.name.startsWith('missing__'))).toBe(false);
      await expect(
        findTool(connected.tools, 'tiny__lookup').run({ service: 'x' }, toolContext()),
      ).resolves.toMatchObject({ service: 'x' });
    } finally {
      await connected.close();
    }
  });

  it('gives up on a server that never answers initialize, and ends its process', async () => {
    const marker = `warroom-silent-${process.pid}-${Date.now()}`;
    const started = Date.now();
    const connected = await connectMcpTools(
      {
        silent: {
          command: process.execPath,
          args: ['-e', 'console.error("warming up"); setInterval(() => {}, 1000)', marker],
          env: {},
          effects: {},
        },
      },
      { pins: createFilePinStore(join(home.path, 'mcp-pins.json')), connectTimeoutMs: 300 },
    );
    // Gone as soon as connecting gave up, before close().
    expect(await processesWith(marker)).toEqual([]);
    await connected.close();
    expect(connected.servers[0]).toMatchObject({ name: 'silent', status: 'failed' });
    expect(connected.servers[0]?.error).toMatch(/timed out/i);
    expect(connected.servers[0]?.error).toContain('warming up');
    expect(connected.tools).toEqual([]);
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('reports an unreachable url as failed', async () => {
    const connected = await connectMcpTools(
      { remote: { url: 'http://127.0.0.1:9/mcp', args: [], env: {}, effects: {} } },
      { pins: createFilePinStore(join(home.path, 'mcp-pins.json')), connectTimeoutMs: 2_000 },
    );
    await connected.close();
    expect(connected.servers[0]).toMatchObject({ name: 'remote', status: 'failed' });
    expect(connected.servers[0]?.error).toContain('url http://127.0.0.1:9/mcp');
  });

  it('stops connecting when the caller aborts, leaving no child behind', async () => {
    const marker = `warroom-aborted-${process.pid}-${Date.now()}`;
    const controller = new AbortController();
    const connecting = connectMcpTools(
      {
        silent: {
          command: process.execPath,
          args: ['-e', 'setInterval(() => {}, 1000)', marker],
          env: {},
          effects: {},
        },
      },
      { pins: createFilePinStore(join(home.path, 'mcp-pins.json')), signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('operator pressed ctrl-c')), 200);
    await expect(connecting).rejects.toThrow('operator pressed ctrl-c');
    expect(await processesWith(marker)).toEqual([]);
  });
});
