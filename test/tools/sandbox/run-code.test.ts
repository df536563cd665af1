/**
 * run_code against the real bubblewrap on this machine, no mocks: hostile
 * programs in both languages, each contained with a clear result, and nothing
 * left running afterwards. One file on purpose: the rlimit fallback counts every
 * process of the sandbox user, so these tests must not overlap in time.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { SandboxUnavailableError } from '../../../src/tools/sandbox/index.js';
import { fakeSecrets } from '../../support/fake-secrets.js';
import { ensureSystemPackages } from '../../support/system-packages.js';
import { type Language, snippets } from './hostile-snippets.js';
import {
  expectNoLeftovers,
  processesWith,
  type SandboxUnderTest,
  sandboxUnderTest,
  testLimits,
} from './sandbox-test-kit.js';

const fakeApiKey = fakeSecrets.anthropic('sandbox');

beforeAll(() => {
  ensureSystemPackages('bubblewrap');
  process.env.ANTHROPIC_API_KEY = fakeApiKey;
});

afterAll(() => {
  delete process.env.ANTHROPIC_API_KEY;
});

describe.each<Language>(['python', 'node'])('run_code in %s', (language) => {
  const code = snippets[language];
  let sandbox: SandboxUnderTest;
  let hostServer: Server;
  let hostPort = 0;
  let hostConnections = 0;

  beforeAll(async () => {
    sandbox = sandboxUnderTest();
    hostServer = createServer((socket) => {
      hostConnections += 1;
      socket.destroy();
    });
    await new Promise<void>((done) => hostServer.listen(0, '127.0.0.1', done));
    const address = hostServer.address();
    hostPort = typeof address === 'object' && address !== null ? address.port : 0;
  });

  afterAll(async () => {
    await new Promise((done) => hostServer.close(done));
  });

  afterEach(() => expectNoLeftovers(sandbox.marker));

  test('runs hello world: stdout and exit 0', async () => {
    const result = await sandbox.run({ language, code: code.hello });
    expect(result).toMatchObject({
      exitCode: 0,
      signal: null,
      timedOut: false,
      stdout: 'hello from the sandbox\n',
      stderr: '',
      truncated: false,
    });
    expect(result.killedFor).toBeUndefined();
    expect(result.limits.enforcedBy).toMatchObject({ memory: 'cgroup-v1', processes: 'cgroup-v1' });
  });

  test('feeds stdin to the program', async () => {
    const result = await sandbox.run({ language, code: code.echoStdin, stdin: 'incident 42' });
    expect(result.stdout).toBe('INCIDENT 42');
  });

  test('cannot reach a server on the host loopback', async () => {
    const result = await sandbox.run({ language, code: code.connect('127.0.0.1', hostPort) });
    expect(result.stdout.trim()).toBe('blocked ECONNREFUSED');
    expect(hostConnections).toBe(0);
  });

  test('cannot reach a public address or resolve a name', async () => {
    const connect = await sandbox.run({ language, code: code.connect('1.1.1.1', 53) });
    expect(connect.stdout.trim()).toBe('blocked ENETUNREACH');
    const lookup = await sandbox.run({ language, code: code.resolveName('example.com') });
    expect(lookup.stdout).toMatch(/^blocked /);
  });

  test('sees neither /etc, the repository nor the home directory', async () => {
    const repositoryFile = resolve('package.json');
    for (const path of ['/etc/shadow', repositoryFile]) {
      const result = await sandbox.run({ language, code: code.read(path) });
      expect(result.stdout.trim(), path).toBe('blocked ENOENT');
    }
    const result = await sandbox.run({
      language,
      code: code.exists(['/etc', '/etc/passwd', homedir(), process.cwd(), '/work', '/sys']),
    });
    expect(JSON.parse(result.stdout)).toEqual([false, false, false, false, false, false]);
  });

  test('cannot write to /usr, / or its own code', async () => {
    for (const path of ['/usr/lib/planted', '/planted', '/dev/shm/planted']) {
      const result = await sandbox.run({ language, code: code.write(path) });
      expect(result.stdout.trim(), path).toBe('blocked EROFS');
    }
  });

  test('writes to /tmp, which is empty again on the next call', async () => {
    const first = await sandbox.run({ language, code: code.write('/tmp/scratch.txt') });
    expect(first.stdout.trim()).toBe('written x');
    const second = await sandbox.run({ language, code: code.exists(['/tmp/scratch.txt']) });
    expect(JSON.parse(second.stdout)).toEqual([false]);
  });

  test('runs as uid and gid 65534', async () => {
    const result = await sandbox.run({ language, code: code.ids });
    expect(result.stdout.trim()).toBe('65534 65534');
  });

  test("does not see the host's environment variables", async () => {
    expect(process.env.ANTHROPIC_API_KEY).toBe(fakeApiKey);
    const result = await sandbox.run({ language, code: code.environment });
    expect(result.stdout).not.toContain(fakeApiKey);
    // bwrap adds PWD for the working directory it set; nothing else comes in.
    expect(JSON.parse(result.stdout)).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/tmp',
      TMPDIR: '/tmp',
      LANG: 'C.UTF-8',
      PWD: '/tmp',
    });
  });

  test('contains a fork bomb at the process limit; the machine stays usable', async () => {
    const result = await sandbox.run({
      language,
      code: code.forkBomb(sandbox.marker),
      timeoutSeconds: 1,
    });
    // Contained at the process limit; what then ends it depends on load: node's
    // processes may fill the memory limit before the wall time runs out.
    expect(result.processLimitReached).toBe(true);
    expect(['wall-time', 'memory']).toContain(result.killedFor);
    expect(result.exitCode).not.toBe(0);
    expectNoLeftovers(sandbox.marker);
    expect(spawnSync('true').status).toBe(0);
    const after = await sandbox.run({ language, code: code.hello });
    expect(after.exitCode).toBe(0);
  });

  test('kills a memory hog at the memory limit', async () => {
    const result = await sandbox.run({ language, code: code.memoryHog });
    expect(result).toMatchObject({ killedFor: 'memory', timedOut: false });
    expect(result.exitCode).not.toBe(0);
  });

  test('kills a busy loop at the CPU limit', async () => {
    const result = await sandbox.run({ language, code: code.busyLoop });
    expect(result).toMatchObject({ killedFor: 'cpu-time', timedOut: true, signal: 'SIGXCPU' });
    expect(result.durationMs).toBeLessThan(testLimits.wallSeconds * 1000);
  });

  test('kills an idle loop at the wall-time limit', async () => {
    const result = await sandbox.run({ language, code: code.idleLoop, timeoutSeconds: 1 });
    expect(result).toMatchObject({ killedFor: 'wall-time', timedOut: true, exitCode: null });
    expect(result.durationMs).toBeGreaterThanOrEqual(1000);
    expect(result.durationMs).toBeLessThan(2500);
  });

  test('cuts endless output at outputBytes and kills the program', async () => {
    const result = await sandbox.run({ language, code: code.outputFlood });
    expect(result).toMatchObject({ killedFor: 'output', truncated: true, timedOut: false });
    expect(result.stdout.startsWith('x'.repeat(testLimits.outputBytes))).toBe(true);
    expect(result.stdout).toContain('[warroom: output cut at 4096 bytes');
    expect(result.durationMs).toBeLessThan(2000);
  });

  test.runIf(process.getuid?.() === 0)(
    'runs nothing as root on the host while warroom runs as root',
    async () => {
      const running = sandbox.run({ language, code: code.sleep(1.5) });
      await new Promise((done) => setTimeout(done, 800));
      const seen = processesWith(sandbox.marker);
      await running;
      expect(seen.length).toBeGreaterThan(0);
      for (const line of seen) expect(line.trim().split(/\s+/)[1], line).toBe('nobody');
    },
  );

  test('runs concurrent calls in separate sandboxes', async () => {
    const results = await Promise.all(
      ['a', 'b', 'c'].map((stdin) => sandbox.run({ language, code: code.echoStdin, stdin })),
    );
    expect(results.map((result) => result.stdout)).toEqual(['A', 'B', 'C']);
  });

  test('stops and cleans up when the run is aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('operator cancelled')), 300);
    await expect(sandbox.run({ language, code: code.idleLoop }, controller.signal)).rejects.toThrow(
      'operator cancelled',
    );
  });
});

describe('run_code without cgroups (rlimit fallback)', () => {
  const sandbox = sandboxUnderTest({ cgroupRoot: null });

  afterEach(() => expectNoLeftovers(sandbox.marker));

  test.each<Language>(['python', 'node'])(
    '%s: a memory hog fails at RLIMIT_DATA',
    async (language) => {
      const result = await sandbox.run({ language, code: snippets[language].memoryHog });
      expect(result.limits.enforcedBy).toMatchObject({
        memory: 'rlimit-data',
        processes: 'rlimit-nproc',
      });
      expect(result.killedFor).toBe('memory');
    },
  );

  test('a fork bomb is held by RLIMIT_NPROC and leaves nothing behind', async () => {
    const result = await sandbox.run({
      language: 'python',
      code: snippets.python.forkBomb(sandbox.marker),
      timeoutSeconds: 1,
    });
    expect(result).toMatchObject({ killedFor: 'wall-time', processLimitReached: null });
    const after = await sandbox.run({ language: 'python', code: snippets.python.hello });
    expect(after.exitCode).toBe(0);
  });
});

describe('run_code without working bubblewrap', () => {
  test('refuses with a clear error when bwrap is missing', async () => {
    const sandbox = sandboxUnderTest({ bwrapPath: '/nonexistent/bwrap' });
    const attempt = sandbox.run({ language: 'python', code: snippets.python.hello });
    await expect(attempt).rejects.toBeInstanceOf(SandboxUnavailableError);
    await expect(attempt).rejects.toThrow(/run_code needs bubblewrap \(apt-get install bubblewrap/);
    await expect(attempt).rejects.toThrow('/nonexistent/bwrap is missing or not executable');
  });

  test('refuses when bwrap fails its self-check, and checks only once', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'warroom-fake-bwrap-'));
    // The fake runs as nobody (warroom drops root before bwrap), so its directory must be open.
    chmodSync(directory, 0o777);
    const fakeBwrap = join(directory, 'bwrap');
    writeFileSync(
      fakeBwrap,
      `#!/bin/sh\necho started >> ${directory}/calls\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n`,
      { mode: 0o755 },
    );
    try {
      const sandbox = sandboxUnderTest({ bwrapPath: fakeBwrap });
      for (let attempt = 0; attempt < 2; attempt += 1) {
        await expect(sandbox.run({ language: 'node', code: snippets.node.hello })).rejects.toThrow(
          /No permissions to create new namespace/,
        );
      }
      expect(readFileSync(join(directory, 'calls'), 'utf8')).toBe('started\n');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
