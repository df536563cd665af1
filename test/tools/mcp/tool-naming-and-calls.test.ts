/**
 * How listed MCP tools become warroom tools (names, skipped schemas) and how calls
 * fail (error results, timeouts), against the tiny test server.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectMcpTools,
  createFilePinStore,
  hashedMcpToolName,
  type McpTools,
  mcpToolName,
} from '../../../src/tools/mcp/index.js';
import { toolNamePattern } from '../../../src/tools/tool-registry.js';
import { findTool, temporaryDirectory, tinyServer, toolContext } from './mcp-test-support.js';

describe('MCP tool names and calls', () => {
  let connected: McpTools;
  let home: Awaited<ReturnType<typeof temporaryDirectory>>;

  beforeAll(async () => {
    home = await temporaryDirectory();
    connected = await connectMcpTools(
      { tiny: { command: process.execPath, args: [tinyServer], env: {}, effects: {} } },
      {
        pins: createFilePinStore(join(home.path, 'mcp-pins.json')),
        callTimeoutMs: 300,
        maxResultChars: 40,
      },
    );
  });

  afterAll(async () => {
    await connected?.close();
    await home?.remove();
  });

  it('names tools <server>__<tool>, sanitised, hashing long and colliding names', () => {
    const names = connected.tools.map((tool) => tool.name);
    for (const name of names) expect(name).toMatch(toolNamePattern);
    expect(names).toContain('tiny__lookup');
    // `weird.name` and `weird_name` both sanitise to tiny__weird_name: neither keeps it.
    expect(names).not.toContain('tiny__weird_name');
    expect(names).toContain(hashedMcpToolName('tiny', 'weird.name'));
    expect(names).toContain(hashedMcpToolName('tiny', 'weird_name'));
    const long = `long_${'x'.repeat(80)}`;
    expect(names).toContain(mcpToolName('tiny', long));
    expect(mcpToolName('tiny', long)).toHaveLength(64);
  });

  it('leaves out a tool whose input schema draft 2020-12 cannot compile, and says why', () => {
    const names = connected.tools.map((tool) => tool.name);
    expect(names).not.toContain('tiny__tuple');
    const status = connected.servers[0];
    expect(status?.skipped).toEqual([{ tool: 'tuple', reason: expect.stringContaining('items') }]);
    expect(status?.toolCount).toBe(connected.tools.length);
  });

  it('throws the server message of an isError result', async () => {
    await expect(findTool(connected.tools, 'tiny__fail').run({}, toolContext())).rejects.toThrow(
      'the deploy service is unavailable (HTTP 503)',
    );
  });

  it('gives up on a call after the call timeout, naming the server and tool', async () => {
    const slow = findTool(connected.tools, 'tiny__slow');
    await expect(slow.run({ ms: 1_500 }, toolContext())).rejects.toThrow(
      'the MCP server tiny did not answer slow within 300 ms',
    );
  });

  it('caps a long result and hands the whole of it to the run artifacts', async () => {
    const lookup = findTool(connected.tools, 'tiny__lookup');
    const written = new Map<string, string>();
    const context = {
      ...toolContext(),
      toolCallId: 'call_7',
      artifacts: {
        write: async (name: string, content: string | Uint8Array) => {
          written.set(name, String(content));
          return `artifacts/subtask-1/${name}`;
        },
      },
    };
    const result = await lookup.run({ service: 'payments-api' }, context);
    expect(result).toMatchObject({
      truncated: true,
      size: expect.any(Number),
      artifact: 'artifacts/subtask-1/mcp-tiny__lookup-call_7.json',
    });
    expect(JSON.parse(written.get('mcp-tiny__lookup-call_7.json') ?? '')).toMatchObject({
      service: 'payments-api',
      healthy: true,
    });
    // Without an artifact writer the model still gets a bounded preview.
    const bare = await lookup.run({ service: 'payments-api' }, toolContext());
    expect(bare).toMatchObject({ truncated: true, preview: expect.any(String) });
    expect(bare).not.toHaveProperty('artifact');
  });
});
