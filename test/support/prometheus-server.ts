/**
 * A real Prometheus and a real Alertmanager (the Debian binaries) for
 * integration tests: each on a free loopback port with a temporary config and
 * storage directory, ready when /-/ready answers, gone (process and directory)
 * after close(). Tests wait for conditions by polling HTTP APIs, never by sleeping
 * a fixed time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { systemPackages } from './system-packages.js';

export interface RunningServer {
  /** Base URL including the route prefix, without a trailing slash. */
  url: string;
  /** `127.0.0.1:PORT`. */
  address: string;
  close(): Promise<void>;
}

export interface PrometheusOptions {
  /** `host:port` targets scraped every second at /metrics. */
  scrapeTargets: string[];
  rulesFiles?: string[];
  /** Base URL of an Alertmanager to send alerts to. */
  alertmanagerUrl?: string;
  /** `--web.route-prefix`, e.g. `/api/datasources/proxy/uid/prom` to look like Grafana's proxy. */
  routePrefix?: string;
}

/** A port the kernel just handed out: free unless another process races for it. */
export async function freePort(): Promise<number> {
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

export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Names what was awaited in the timeout error. */
  what: string;
}

/** Calls `probe` until it returns a value other than undefined, or fails after the timeout. */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  options: PollOptions,
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await delay(options.intervalMs ?? 200);
  }
  const reason = lastError instanceof Error ? `: last error ${lastError.message}` : '';
  throw new Error(`timed out waiting for ${options.what}${reason}`);
}

interface ProcessHandle {
  child: ChildProcess;
  output: () => string;
  exited: Promise<void>;
}

function startProcess(program: string, args: string[]): ProcessHandle {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    // Keep the tail: it holds the reason a server failed to start.
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  return { child, output: () => output, exited };
}

async function waitReady(handle: ProcessHandle, readyUrl: string, name: string): Promise<void> {
  let exitedEarly = false;
  void handle.exited.then(() => {
    exitedEarly = true;
  });
  await pollUntil(
    async () => {
      if (exitedEarly) throw new Error(`${name} exited:\n${handle.output()}`);
      const response = await fetch(readyUrl).catch(() => undefined);
      return response?.ok === true ? true : undefined;
    },
    { what: `${name} at ${readyUrl}`, timeoutMs: 20_000, intervalMs: 100 },
  ).catch((error: unknown) => {
    handle.child.kill('SIGKILL');
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n${handle.output()}`,
    );
  });
}

async function stop(handle: ProcessHandle, directory: string): Promise<void> {
  if (handle.child.exitCode === null && handle.child.signalCode === null) {
    handle.child.kill('SIGTERM');
    const killed = await Promise.race([handle.exited.then(() => true), delay(5_000, false)]);
    if (!killed) {
      handle.child.kill('SIGKILL');
      await handle.exited;
    }
  }
  await rm(directory, { recursive: true, force: true });
}

function trimPrefix(prefix: string | undefined): string {
  return prefix === undefined ? '' : `/${prefix.replace(/^\/+|\/+$/g, '')}`;
}

export async function startPrometheus(options: PrometheusOptions): Promise<RunningServer> {
  const directory = await mkdtemp(join(tmpdir(), 'warroom-prometheus-'));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const prefix = trimPrefix(options.routePrefix);
  // Prometheus reads YAML, and JSON is YAML: no serializer needed.
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '1s' },
    rule_files: (options.rulesFiles ?? []).map((file) => resolve(file)),
    scrape_configs: [
      { job_name: 'checkout-simulator', static_configs: [{ targets: options.scrapeTargets }] },
    ],
    ...(options.alertmanagerUrl === undefined
      ? {}
      : {
          alerting: {
            alertmanagers: [
              {
                path_prefix: new URL(options.alertmanagerUrl).pathname,
                static_configs: [{ targets: [new URL(options.alertmanagerUrl).host] }],
              },
            ],
          },
        }),
  };
  const configFile = join(directory, 'prometheus.yml');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(directory, 'data')}`,
    `--web.listen-address=${address}`,
    ...(prefix === '' ? [] : [`--web.route-prefix=${prefix}`]),
  ];
  const handle = startProcess(systemPackages.prometheus, args);
  const url = `http://${address}${prefix}`;
  try {
    await waitReady(handle, `${url}/-/ready`, 'Prometheus');
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return { url, address, close: () => stop(handle, directory) };
}

export async function startAlertmanager(): Promise<RunningServer> {
  const directory = await mkdtemp(join(tmpdir(), 'warroom-alertmanager-'));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const config = {
    route: { receiver: 'war-room', group_wait: '1s', group_interval: '5s', repeat_interval: '1h' },
    receivers: [{ name: 'war-room' }],
  };
  const configFile = join(directory, 'alertmanager.yml');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const handle = startProcess(systemPackages['prometheus-alertmanager'], [
    `--config.file=${configFile}`,
    `--storage.path=${join(directory, 'data')}`,
    `--web.listen-address=${address}`,
    // An empty value turns the gossip cluster off; otherwise it listens on 0.0.0.0:9094.
    '--cluster.listen-address=',
  ]);
  const url = `http://${address}`;
  try {
    await waitReady(handle, `${url}/-/ready`, 'Alertmanager');
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return { url, address, close: () => stop(handle, directory) };
}
