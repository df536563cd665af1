#!/usr/bin/env node
// A minimal stdio MCP server for the tests, built on the SDK's low-level Server so
// every definition is plain JSON the test controls. LOOKUP_DESCRIPTION changes the
// `lookup` tool's description between runs, as a server that rewrites a tool would.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const object = (properties = {}, required = []) => ({ type: 'object', properties, required });

const tools = [
  {
    name: 'lookup',
    description: process.env.LOOKUP_DESCRIPTION ?? 'Looks up a service in the catalogue.',
    inputSchema: object({ service: { type: 'string' } }, ['service']),
    annotations: { readOnlyHint: true },
  },
  {
    name: 'fail',
    description: 'Always fails.',
    inputSchema: object(),
  },
  {
    name: 'slow',
    description: 'Answers after `ms` milliseconds.',
    inputSchema: object({ ms: { type: 'number' } }, ['ms']),
  },
  { name: 'weird.name', description: 'Dotted name.', inputSchema: object() },
  { name: 'weird_name', description: 'Underscored name.', inputSchema: object() },
  { name: `long_${'x'.repeat(80)}`, description: 'A name too long.', inputSchema: object() },
  {
    name: 'tuple',
    description: 'A draft-07 tuple schema that draft 2020-12 rejects.',
    inputSchema: object({
      pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] },
    }),
  },
];

const server = new Server({ name: 'tiny', version: '1.0.0' }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const { name, arguments: input = {} } = request.params;
  const text = (value) => ({ content: [{ type: 'text', text: value }] });
  switch (name) {
    case 'lookup':
      return text(JSON.stringify({ service: input.service, owner: 'payments', healthy: true }));
    case 'fail':
      return { ...text('the deploy service is unavailable (HTTP 503)'), isError: true };
    case 'slow':
      await new Promise((resolve) => setTimeout(resolve, Number(input.ms)));
      return text('done');
    default:
      return text(`ran ${name}`);
  }
});
await server.connect(new StdioServerTransport());
