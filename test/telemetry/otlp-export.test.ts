import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { otlpTracesUrl } from '../../src/index.js';
import { cli } from '../cli/cli-harness.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

interface OtlpRequest {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: OtlpSpan[] }>;
  }>;
}

/** A strict OTLP/HTTP collector stand-in: JSON bodies on POST /v1/traces only. */
async function startCollector() {
  const requests: OtlpRequest[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      if (request.headers['content-type'] !== 'application/json') {
        response.writeHead(415).end();
        return;
      }
      requests.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { requests, url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

const replayArgs = [
  'run-chain',
  '--chain',
  'chains/incident-response.md',
  '--input',
  'fixtures/incidents/db-pool-exhaustion.json',
  '--provider',
  'replay',
  '--fixtures',
  'fixtures/replay',
  '--quiet',
];

let closeCollector: (() => void) | undefined;
afterEach(() => closeCollector?.());

describe('OTLP export from the CLI', () => {
  it('sends the run as one trace to OTEL_EXPORTER_OTLP_ENDPOINT, flushed before exit', async () => {
    const collector = await startCollector();
    closeCollector = collector.close;
    const home = await mkdtemp(join(tmpdir(), 'warroom-otlp-'));
    const run = await cli(replayArgs, {
      WARROOM_HOME: home,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    });
    expect(run.stderr).not.toContain('warning');
    expect(run.code).toBe(0);
    expect(collector.requests.length).toBeGreaterThanOrEqual(1);
    const resources = collector.requests.flatMap((request) => request.resourceSpans);
    for (const resource of resources) {
      expect(resource.resource.attributes).toContainEqual({
        key: 'service.name',
        value: { stringValue: 'warroom' },
      });
    }
    const spans = resources.flatMap((resource) =>
      resource.scopeSpans.flatMap((scope) => scope.spans),
    );
    // One run, four subtasks, one model call each.
    expect(spans).toHaveLength(9);
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    const runSpan = spans.find((span) => span.name === 'run incident-response');
    const agents = spans.filter((span) => span.name.startsWith('invoke_agent '));
    const chats = spans.filter((span) => span.name.startsWith('chat '));
    expect(agents).toHaveLength(4);
    expect(chats).toHaveLength(4);
    expect(agents.every((span) => span.parentSpanId === runSpan?.spanId)).toBe(true);
    const agentIds = new Set(agents.map((span) => span.spanId));
    expect(chats.every((span) => agentIds.has(span.parentSpanId ?? ''))).toBe(true);
    expect(chats[0]?.attributes).toContainEqual({
      key: 'gen_ai.operation.name',
      value: { stringValue: 'chat' },
    });
  });

  it('sends nothing when no OTLP endpoint is configured', async () => {
    const collector = await startCollector();
    closeCollector = collector.close;
    const home = await mkdtemp(join(tmpdir(), 'warroom-otlp-'));
    const run = await cli(replayArgs, {
      WARROOM_HOME: home,
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
    });
    expect(run.code).toBe(0);
    expect(collector.requests).toHaveLength(0);
  });
});

describe('otlpTracesUrl', () => {
  it('appends /v1/traces to the base endpoint, takes the traces endpoint as is', () => {
    expect(otlpTracesUrl({})).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(
      otlpTracesUrl({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom',
      }),
    ).toBe('http://traces:4318/custom');
    expect(
      otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }),
    ).toBeUndefined();
  });
});
