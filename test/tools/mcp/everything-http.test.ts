/**
 * The MCP tool set over streamable HTTP: server-everything runs as its own child
 * process on a free port and warroom reaches it by url.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMcpTools, createFilePinStore } from '../../../src/tools/mcp/index.js';
import {
  everythingServer,
  findTool,
  freePort,
  temporaryDirectory,
  toolContext,
} from './mcp-test-support.js';

async function startHttpServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [everythingServer, 'streamableHttp'], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let said = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('listening on port')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${said}`)));
    setTimeout(() => reject(new Error(`server not ready after 10 s: ${said}`)), 10_000).unref();
  });
  return child;
}

describe('MCP tools over streamable HTTP', () => {
  let child: ChildProcess | undefined;
  let port = 0;
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;

  beforeAll(async () => {
    directory = await temporaryDirectory();
    port = await freePort();
    child = await startHttpServer(port);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await directory?.remove();
  });

  it('connects by url, lists the tools and calls one', async () => {
    const url = `http://127.0.0.1:${port}/mcp`;
    const connected = await connectMcpTools(
      { remote: { url, args: [], env: {}, effects: { 'get-sum': 'read' } } },
      { pins: createFilePinStore(`${directory.path}/mcp-pins.json`) },
    );
    try {
      expect(connected.servers).toEqual([
        expect.objectContaining({ name: 'remote', status: 'connected' }),
      ]);
      expect(connected.servers[0]).not.toHaveProperty('pid');
      const sum = findTool(connected.tools, 'remote__get-sum');
      expect(sum.effect).toBe('read');
      await expect(sum.run({ a: 19, b: 23 }, toolContext())).resolves.toBe(
        'The sum of 19 and 23 is 42.',
      );
    } finally {
      await connected.close();
    }
  });
});
