import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunDirectory, newRunId, type RunEvent } from '../../src/index.js';

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
