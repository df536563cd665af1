import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CheckoutTraffic,
  type IncidentName,
  incidentNames,
  isIncidentName,
  type TrafficSnapshot,
} from './checkout-traffic.js';
import { expositionContentType, renderExposition } from './render-exposition.js';

export interface IncidentSimulatorOptions {
  /** 0 (the default) picks a free port; the live demo uses 9464. */
  port?: number;
  host?: '127.0.0.1';
  /** Ticks are counted from this clock, so a test can move time by hand. */
  clock?: () => Date;
  /** Milliseconds per tick of traffic (default 100). */
  tickMs?: number;
}

export interface IncidentSimulator {
  url: string;
  /** `host:port`, as a Prometheus scrape target. */
  target: string;
  readonly incident: IncidentName;
  setIncident(name: IncidentName): void;
  /** The numbers /metrics reports now. */
  snapshot(): TrafficSnapshot;
  close(): Promise<void>;
}

const maxBodyBytes = 4_096;

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) {
    body += String(chunk);
    if (body.length > maxBodyBytes) throw new Error('body too large');
  }
  return body;
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
}

/** `{"incident": "db-pool-exhaustion"}`, or the bare name as text (handy from curl). */
function incidentFromBody(body: string): unknown {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && 'incident' in parsed
      ? parsed.incident
      : parsed;
  } catch {
    return body.trim();
  }
}

/**
 * Starts the checkout API stand-in: it serves its own traffic on a ticker and
 * exposes the result at /metrics; POST /simulator/incident switches the
 * incident while it runs (for a live demo).
 */
export async function startIncidentSimulator(
  options: IncidentSimulatorOptions = {},
): Promise<IncidentSimulator> {
  const clock = options.clock ?? (() => new Date());
  const tickMs = options.tickMs ?? 100;
  const traffic = new CheckoutTraffic();
  const startedAt = clock().getTime();

  // Elapsed time decides the tick count, so scrapes see the same numbers whether
  // the ticker ran on time or the event loop was busy.
  function catchUp(): void {
    const due = Math.floor((clock().getTime() - startedAt) / tickMs);
    traffic.advance(due - traffic.snapshot().ticks);
  }

  function setIncident(name: IncidentName): void {
    catchUp();
    traffic.setIncident(name);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://simulator').pathname;
    if (path === '/metrics' && request.method === 'GET') {
      catchUp();
      response.writeHead(200, { 'content-type': expositionContentType });
      response.end(renderExposition(traffic.metricFamilies()));
      return;
    }
    if (path === '/simulator/incident' && request.method === 'GET') {
      sendJson(response, 200, { incident: traffic.incident });
      return;
    }
    if (path === '/simulator/incident' && request.method === 'POST') {
      const incident = incidentFromBody(await readBody(request));
      if (!isIncidentName(incident)) {
        sendJson(response, 400, {
          error: `unknown incident ${JSON.stringify(incident)}; one of: ${incidentNames.join(', ')}`,
        });
        return;
      }
      setIncident(incident);
      sendJson(response, 200, { incident });
      return;
    }
    sendJson(response, 404, { error: 'GET /metrics, GET or POST /simulator/incident' });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      sendJson(response, 400, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const ticker = setInterval(catchUp, tickMs);
  ticker.unref();
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    target: `${host}:${port}`,
    get incident() {
      return traffic.incident;
    },
    setIncident,
    snapshot() {
      catchUp();
      return traffic.snapshot();
    },
    close() {
      clearInterval(ticker);
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
    },
  };
}
