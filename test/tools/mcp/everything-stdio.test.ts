/**
 * The MCP tool set against the reference server `@modelcontextprotocol/server-everything`
 * over stdio: a real child process speaking the real protocol.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectMcpTools,
  createFilePinStore,
  type McpTools,
} from '../../../src/tools/mcp/index.js';
import { toolNamePattern } from '../../../src/tools/tool-registry.js';
import { fakeSecrets } from '../../support/fake-secrets.js';
import {
  everythingServer,
  findTool,
  isRunning,
  temporaryDirectory,
  toolContext,
} from './mcp-test-support.js';

const fakeKey = fakeSecrets.anthropic('mcp');

describe('MCP tools from server-everything over stdio', () => {
  let connected: McpTools;
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let savedKey: string | undefined;

  beforeAll(async () => {
    directory = await temporaryDirectory();
    savedKey = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = fakeKey;
    connected = await connectMcpTools(
      {
        everything: {
          command: process.execPath,
          args: [everythingServer, 'stdio'],
          env: { WARROOM_MCP_MARKER: 'configured' },
          effects: { echo: 'read', 'get-env': 'read' },
        },
      },
      { pins: createFilePinStore(`${directory.path}/mcp-pins.json`) },
    );
  });

  afterAll(async () => {
    await connected?.close();
    if (savedKey === undefined) delete process.env.ANTHROPIC_API_KEY;
    else process.env.ANTHROPIC_API_KEY = savedKey;
    await directory?.remove();
  });

  it('offers every listed tool as everything__<tool> with a provider-safe name', () => {
    const [status] = connected.servers;
    expect(status).toMatchObject({ name: 'everything', status: 'connected' });
    expect(status?.toolCount).toBe(connected.tools.length);
    const names = connected.tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['everything__echo', 'everything__get-sum']));
    for (const name of names) {
      expect(name).toMatch(/^everything__/);
      expect(name).toMatch(toolNamePattern);
    }
  });

  it('makes unlisted tools write and honours a configured read, whatever the server hints', () => {
    const sum = findTool(connected.tools, 'everything__get-sum');
    // get-sum says readOnlyHint=true; that hint is shown, never trusted.
    expect(sum.effect).toBe('write');
    expect(sum.description).toContain('Returns the sum of two numbers');
    expect(sum.description).toContain('readOnlyHint=true');
    expect(findTool(connected.tools, 'everything__echo').effect).toBe('read');
  });

  it('advertises the server input schema without its draft-07 marker', () => {
    const sum = findTool(connected.tools, 'everything__get-sum');
    expect(sum.inputSchema).toMatchObject({ type: 'object', required: ['a', 'b'] });
    expect(sum.inputSchema).not.toHaveProperty('$schema');
  });

  it('returns the text of echo and get-sum', async () => {
    const echo = findTool(connected.tools, 'everything__echo');
    await expect(echo.run({ message: 'db-primary down' }, toolContext())).resolves.toBe(
      'Echo: db-primary down',
    );
    const sum = findTool(connected.tools, 'everything__get-sum');
    await expect(sum.run({ a: 2, b: 40 }, toolContext())).resolves.toBe(
      'The sum of 2 and 40 is 42.',
    );
  });

  it('parses JSON text and summarises images instead of pasting base64', async () => {
    const env = await findTool(connected.tools, 'everything__get-env').run({}, toolContext());
    expect(typeof env).toBe('object');
    const image = await findTool(connected.tools, 'everything__get-tiny-image').run(
      {},
      toolContext(),
    );
    const parts = Array.isArray(image) ? image : [image];
    const summary = parts.find(
      (part) =>
        typeof part === 'object' && part !== null && !Array.isArray(part) && part.type === 'image',
    );
    expect(summary).toMatchObject({ type: 'image', mimeType: 'image/png' });
    expect(JSON.stringify(summary)).not.toContain('"data"');
  });

  it('returns structured content as the data', async () => {
    const weather = findTool(connected.tools, 'everything__get-structured-content');
    const result = await weather.run({ location: 'Chicago' }, toolContext());
    expect(result).toMatchObject({
      temperature: expect.any(Number),
      conditions: expect.any(String),
    });
  });

  it('starts the server with a minimal environment: no API keys from warroom', async () => {
    const env = await findTool(connected.tools, 'everything__get-env').run({}, toolContext());
    expect(env).toMatchObject({ WARROOM_MCP_MARKER: 'configured', PATH: process.env.PATH });
    const keys = Object.keys(env ?? {});
    expect(keys).not.toContain('ANTHROPIC_API_KEY');
    expect(JSON.stringify(env)).not.toContain(fakeKey);
    // Only the SDK's safe list (which includes PATH and HOME) and the configured variables.
    const allowed = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER', 'WARROOM_MCP_MARKER'];
    expect(keys.filter((key) => !allowed.includes(key))).toEqual([]);
  });

  it('turns an isError result into a thrown error carrying the server message', async () => {
    const echo = findTool(connected.tools, 'everything__echo');
    await expect(echo.run({ message: 42 }, toolContext())).rejects.toThrow(
      /Input validation error.*echo/s,
    );
  });

  it('stops waiting for a call when the run is cancelled, and the server keeps serving', async () => {
    const longRunning = findTool(connected.tools, 'everything__trigger-long-running-operation');
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('run cancelled')), 200);
    await expect(
      longRunning.run({ duration: 20, steps: 20 }, toolContext(controller.signal)),
    ).rejects.toThrow('run cancelled');
    expect(Date.now() - started).toBeLessThan(5_000);
    const echo = findTool(connected.tools, 'everything__echo');
    await expect(echo.run({ message: 'still here' }, toolContext())).resolves.toBe(
      'Echo: still here',
    );
  });
});

describe('closing the MCP tool set', () => {
  it('ends the stdio child process and refuses later calls', async () => {
    const directory = await temporaryDirectory();
    try {
      const connected = await connectMcpTools(
        {
          everything: {
            command: process.execPath,
            args: [everythingServer, 'stdio'],
            env: {},
            effects: {},
          },
        },
        { pins: createFilePinStore(`${directory.path}/mcp-pins.json`) },
      );
      const pid = connected.servers[0]?.pid;
      expect(pid).toEqual(expect.any(Number));
      expect(isRunning(pid ?? 0)).toBe(true);
      await connected.close();
      expect(isRunning(pid ?? 0)).toBe(false);
      const echo = findTool(connected.tools, 'everything__echo');
      await expect(echo.run({ message: 'late' }, toolContext())).rejects.toThrow(/closed/);
    } finally {
      await directory.remove();
    }
  });
});
