/**
 * The real `@octokit/fixtures-server` as a child process on a free port: each
 * loaded scenario is a fresh base URL whose requests must match the recording in
 * order (method, path, query, headers, body), or the server answers 404.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const fixturesToken = '0000000000000000000000000000000000000001';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
const serverScript = 'node_modules/@octokit/fixtures-server/bin/server.js';

export interface LoadedScenario {
  /** Octokit's baseUrl for this scenario. */
  baseUrl: string;
  /** Where the server points a response URL that was `https://<host>/<path>`. */
  rewritten(url: string): string;
}

export interface FixturesServer {
  origin: string;
  load(scenario: string): Promise<LoadedScenario>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForPing(
  origin: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`fixtures server exited: ${output()}`);
    const ready = await fetch(`${origin}/ping`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`fixtures server did not answer /ping: ${output()}`);
}

/** `fixtures`: a glob of scenario files, which replaces the built-in scenarios. */
export async function startFixturesServer(
  options: { fixtures?: string } = {},
): Promise<FixturesServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [
      serverScript,
      '--port',
      String(port),
      '--fixtures-url',
      origin,
      '--log-level',
      'error',
      ...(options.fixtures === undefined ? [] : ['--fixtures', options.fixtures]),
    ],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  try {
    await waitForPing(origin, child, () => output);
  } catch (error) {
    child.kill();
    throw error;
  }
  return {
    origin,
    async load(scenario) {
      const response = await fetch(`${origin}/fixtures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ scenario }),
      });
      const loaded = (await response.json()) as { id?: string; url?: string; error?: string };
      if (!response.ok || loaded.url === undefined || loaded.id === undefined) {
        throw new Error(`cannot load scenario ${scenario}: ${loaded.error ?? response.status}`);
      }
      const id = loaded.id;
      return {
        baseUrl: loaded.url,
        rewritten: (url) => url.replace(/^https?:\/\/([^/]+)\//, `${origin}/$1/${id}/`),
      };
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill();
      });
    },
  };
}
