import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryRunDirectory, reopenRunDirectory } from '../../src/engine/run-directory.js';
import { createRedactor, createRunDirectory, newRunId, type RunEvent } from '../../src/index.js';
import { fakeSecrets } from '../support/fake-secrets.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'warroom-run-directory-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const at = '2025-03-01T12:00:00.000Z';

describe('newRunId', () => {
  it('starts with the UTC time, names the chain safely and ends with a random suffix', () => {
    const now = new Date('2025-03-01T09:08:07.654Z');
    const id = newRunId('incident/response v2', now);
    expect(id).toMatch(/^20250301-090807-incident_response_v2-[0-9a-f]{6}$/);
    expect(newRunId('incident/response v2', now)).not.toBe(id);
  });
});

describe('createRunDirectory', () => {
  it('creates <home>/runs/<run-id>/outputs', async () => {
    const directory = await createRunDirectory({ home: root, runId: 'run-1' });
    expect(directory.path).toBe(join(root, 'runs', 'run-1'));
    expect((await stat(join(directory.path, 'outputs'))).isDirectory()).toBe(true);
  });

  it.each(['run.json', 'events.jsonl'])('refuses an `out` directory holding %s', async (file) => {
    const out = join(root, 'previous');
    await mkdir(out);
    await writeFile(join(out, file), '{}');
    await expect(createRunDirectory({ home: root, out, runId: 'run-2' })).rejects.toMatchObject({
      code: 'USAGE',
      userError: true,
    });
  });

  it('accepts an `out` directory that holds other files but no run', async () => {
    const out = join(root, 'notes');
    await mkdir(out);
    await writeFile(join(out, 'README.txt'), 'scratch');
    const directory = await createRunDirectory({ home: root, out, runId: 'run-3' });
    expect(directory.path).toBe(out);
  });

  it('refuses an `out` that is a file', async () => {
    const out = join(root, 'file');
    await writeFile(out, 'x');
    await expect(createRunDirectory({ home: root, out, runId: 'run-4' })).rejects.toMatchObject({
      code: 'USAGE',
      userError: true,
    });
  });
});

describe('RunDirectory writes', () => {
  it('appends events in call order even when the appends are not awaited one by one', async () => {
    const directory = await createRunDirectory({ home: root, runId: 'run-5' });
    const events: RunEvent[] = [1, 2, 3, 4, 5, 6, 7, 8].map((subtask) => ({
      type: 'subtask-skip',
      at,
      subtask,
      reason: 'x'.repeat(subtask * 5000),
    }));
    await Promise.all(events.map((event) => directory.appendEvent(event)));
    const lines = (await readFile(join(directory.path, 'events.jsonl'), 'utf8')).trimEnd();
    expect(lines.split('\n').map((line) => JSON.parse(line) as RunEvent)).toEqual(events);
  });

  it('writes files whole, replaces them, and leaves no temp file behind', async () => {
    const directory = await createRunDirectory({ home: root, runId: 'run-6' });
    const path = await directory.writeJson('outputs/subtask-1.json', { severity: 'SEV-3' });
    expect(path).toBe(join(directory.path, 'outputs', 'subtask-1.json'));
    await directory.writeJson('outputs/subtask-1.json', { severity: 'SEV-1' });
    expect(await readFile(path, 'utf8')).toBe('{\n  "severity": "SEV-1"\n}\n');
    expect(await readdir(join(directory.path, 'outputs'))).toEqual(['subtask-1.json']);
  });
});

describe('RunDirectory checkpoints', () => {
  const subtaskEnd = (subtask: number): RunEvent => ({
    type: 'subtask-end',
    at,
    subtask,
    status: 'succeeded',
    turns: 1,
    durationMs: 5,
    usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
    output: `outputs/subtask-${subtask}.json`,
  });
  const skip = (subtask: number): RunEvent => ({ type: 'subtask-skip', at, subtask, reason: 'x' });

  it('keeps call order when checkpoints (which sync first) and plain events interleave', async () => {
    const directory = await createRunDirectory({ home: root, runId: 'run-7' });
    const events = [skip(1), subtaskEnd(1), skip(2), subtaskEnd(2), skip(3)];
    await Promise.all([
      directory.writeJson('outputs/subtask-1.json', { ok: 1 }),
      ...events.map((event) => directory.appendEvent(event)),
    ]);
    expect((await directory.readLog()).events).toEqual(events);
  });

  it('has every file and line on disk when appendEvent resolves, as a killed process would leave them', async () => {
    const directory = await createRunDirectory({ home: root, runId: 'run-8' });
    await directory.writeJson('outputs/subtask-1.json', { severity: 'SEV-2' });
    await directory.appendEvent(subtaskEnd(1));
    await directory.appendEvent(skip(2));
    // What another process (a resume after kill -9) reads: no flush or close needed.
    const text = await readFile(join(directory.path, 'events.jsonl'), 'utf8');
    expect(text.trimEnd().split('\n')).toHaveLength(2);
    expect(
      JSON.parse(await readFile(join(directory.path, 'outputs/subtask-1.json'), 'utf8')),
    ).toEqual({ severity: 'SEV-2' });
  });

  it('reads back the log of an earlier process after reopening, torn last line terminated', async () => {
    const first = await createRunDirectory({ home: root, runId: 'run-9' });
    await first.appendEvent(skip(1));
    await writeFile(join(first.path, 'events.jsonl'), '{"type":"subt', { flag: 'a' });
    const again = reopenRunDirectory({ path: first.path, runId: 'run-9' });
    expect((await again.readLog()).brokenLastLine).toBe(2);
    await again.terminateEventLog();
    await again.appendEvent(skip(2));
    const log = await again.readLog({ lenient: true });
    expect(log.events.map((event) => event.type === 'subtask-skip' && event.subtask)).toEqual([
      1, 2,
    ]);
  });
});

describe('createMemoryRunDirectory', () => {
  it('keeps the same files in memory, redacted, and writes nothing to disk', async () => {
    const secret = fakeSecrets.anthropic('memory');
    const redactor = createRedactor({ secrets: [secret] });
    const directory = await createMemoryRunDirectory({ home: root, runId: 'run-m', redactor });
    const path = await directory.writeJson('outputs/subtask-1.json', { note: `key ${secret}` });
    await directory.appendEvent({ type: 'subtask-skip', at, subtask: 1, reason: secret });
    expect(path).toBe(join(root, 'runs', 'run-m', 'outputs', 'subtask-1.json'));
    expect(directory.files.get('outputs/subtask-1.json')).toBe(
      '{\n  "note": "key [REDACTED:secret]"\n}\n',
    );
    const log = await directory.readLog();
    expect(log.events).toEqual([
      { type: 'subtask-skip', at, subtask: 1, reason: '[REDACTED:secret]' },
    ]);
    expect(await readdir(root)).toEqual([]);
  });
});
