/**
 * The incident memory on disk: each entry is in memory.jsonl the moment record()
 * returns, reopening the incident (by id, without its file) gives the same
 * entries, severity and last persona back, recall finds by every word and by kind,
 * a crash mid-append costs only the torn line, and a rehearsal never touches the
 * real incident.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/fixture/index.js';
import { IncidentMemory, incidentDirectory } from '../../src/investigate/index.js';
import { fakeSecrets } from '../support/fake-secrets.js';
import { incident, makeHome, TestClock } from './war-room-kit.js';

let home: string;
let remove: () => Promise<void>;
const clock = new TestClock(Date.parse('2025-11-18T14:20:00.000Z'));
const redactor = createRedactor({ env: {} });

beforeEach(async () => {
  ({ home, remove } = await makeHome());
});
afterEach(() => remove());

const open = (extra: { incident?: typeof incident; rehearsal?: boolean } = { incident }) =>
  IncidentMemory.open({ home, id: 'INC-TEST-1', redactor, clock: clock.now, ...extra });

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('IncidentMemory', () => {
  it('has each entry on disk, whole, when record() returns', async () => {
    const memory = await open();
    const file = join(memory.directory, 'memory.jsonl');
    expect(memory.directory).toBe(join(home, 'incidents', 'INC-TEST-1'));
    const entry = memory.record({
      kind: 'finding',
      text: 'pool at 14 per pod',
      persona: 'sre',
      source: 'persona',
    });
    expect(entry).toEqual({
      seq: 1,
      at: '2025-11-18T14:20:00.000Z',
      kind: 'finding',
      text: 'pool at 14 per pod',
      persona: 'sre',
      source: 'persona',
    });
    // Read synchronously, straight after: no buffering between record() and the disk.
    expect(lines(file).map((line) => JSON.parse(line))).toEqual([entry]);
    memory.record({ kind: 'note', text: 'paged DBA', source: 'engineer' });
    expect(lines(file)).toHaveLength(2);
  });

  it('reopens by id with the incident, entries, severity and last persona it had', async () => {
    const first = await open();
    first.record({ kind: 'finding', text: 'pool at 14', persona: 'sre', source: 'persona' });
    first.record({ kind: 'severity', text: 'SEV-2', source: 'engineer' });
    first.record({
      kind: 'persona',
      text: 'sre → backend-engineer',
      persona: 'backend-engineer',
      source: 'engineer',
    });
    first.record({ kind: 'severity', text: 'SEV-1', source: 'engineer' });

    const again = await open({});
    expect(again.incident).toEqual({ id: 'INC-TEST-1', value: incident });
    expect(again.entries).toEqual(first.entries);
    expect(again.severity).toBe('SEV-1');
    expect(again.lastPersona).toBe('backend-engineer');
    // Numbering goes on from where it was.
    expect(again.record({ kind: 'note', text: 'later', source: 'engineer' }).seq).toBe(5);
  });

  it("takes the incident file's severity until the room sets one", async () => {
    const memory = await IncidentMemory.open({
      home,
      id: 'INC-TEST-2',
      incident: { incident_id: 'INC-TEST-2', severity: 'SEV-3' },
      redactor,
      clock: clock.now,
    });
    expect(memory.severity).toBe('SEV-3');
    expect(memory.lastPersona).toBeUndefined();
    memory.record({ kind: 'severity', text: 'SEV-2', source: 'engineer' });
    expect(memory.severity).toBe('SEV-2');
  });

  it('recalls entries holding every word, best and newest first, optionally of one kind', async () => {
    const memory = await open();
    memory.record({
      kind: 'finding',
      text: 'Pool at 14 per pod',
      persona: 'sre',
      source: 'persona',
    });
    memory.record({ kind: 'note', text: 'pool pool pool exhausted', source: 'engineer' });
    memory.record({ kind: 'hypothesis', text: 'retry storm', persona: 'sre', source: 'persona' });
    memory.record({ kind: 'finding', text: 'pool limit 400', persona: 'dba', source: 'persona' });

    const texts = (found: { text: string }[]) => found.map((entry) => entry.text);
    expect(texts(memory.recall('POOL'))).toEqual([
      'pool pool pool exhausted',
      'pool limit 400',
      'Pool at 14 per pod',
    ]);
    expect(texts(memory.recall('pool pod'))).toEqual(['Pool at 14 per pod']);
    expect(texts(memory.recall('pool', 'finding'))).toEqual([
      'pool limit 400',
      'Pool at 14 per pod',
    ]);
    // The persona and the kind are searchable too.
    expect(texts(memory.recall('dba'))).toEqual(['pool limit 400']);
    expect(texts(memory.recall('hypothesis'))).toEqual(['retry storm']);
    expect(memory.recall('pool', 'decision')).toEqual([]);
    expect(memory.recall('nothing-like-this')).toEqual([]);
  });

  it('drops a torn last line (a crash mid-append) and cuts it, so later entries stay whole', async () => {
    const first = await open();
    first.record({ kind: 'finding', text: 'kept', persona: 'sre', source: 'persona' });
    const file = join(first.directory, 'memory.jsonl');
    await appendFile(file, '{"seq":2,"at":"2025-11-18T14:2');

    const again = await open({});
    expect(again.entries.map((entry) => entry.text)).toEqual(['kept']);
    again.record({ kind: 'note', text: 'after the crash', source: 'engineer' });
    const third = await open({});
    expect(third.entries.map((entry) => [entry.seq, entry.text])).toEqual([
      [1, 'kept'],
      [2, 'after the crash'],
    ]);
    expect(lines(file)).toHaveLength(2);
  });

  it('ends a complete last entry that lost only its newline, instead of gluing the next to it', async () => {
    const first = await open();
    first.record({ kind: 'finding', text: 'one', source: 'engineer' });
    const file = join(first.directory, 'memory.jsonl');
    await writeFile(file, (await readFile(file, 'utf8')).trimEnd());
    const again = await open({});
    again.record({ kind: 'finding', text: 'two', source: 'engineer' });
    expect((await open({})).entries.map((entry) => entry.text)).toEqual(['one', 'two']);
  });

  it('refuses a damaged line in the middle, naming the file and line', async () => {
    const first = await open();
    first.record({ kind: 'finding', text: 'one', source: 'engineer' });
    const file = join(first.directory, 'memory.jsonl');
    await writeFile(file, `not json\n${await readFile(file, 'utf8')}`);
    await expect(open({})).rejects.toMatchObject({
      code: 'RUN_FAILED',
      context: { file, line: 1 },
      message: 'the incident memory has a damaged line; fix or remove it',
    });
  });

  it('redacts secrets before they reach the disk', async () => {
    const memory = await open();
    const key = fakeSecrets.anthropic('memory');
    memory.record({ kind: 'note', text: `the key ${key} leaked`, source: 'engineer' });
    const text = await readFile(join(memory.directory, 'memory.jsonl'), 'utf8');
    expect(text).not.toContain(key);
    expect(memory.entries[0]?.text).not.toContain(key);
  });

  it('keeps a rehearsal apart from the real incident, and starts it afresh every time', async () => {
    const real = await open();
    real.record({ kind: 'finding', text: 'real finding', source: 'engineer' });
    const rehearsal = await open({ incident, rehearsal: true });
    expect(rehearsal.directory).toBe(join(home, 'rehearsals', 'INC-TEST-1'));
    expect(rehearsal.entries).toEqual([]);
    rehearsal.record({ kind: 'finding', text: 'rehearsed', source: 'engineer' });
    expect((await open({ incident, rehearsal: true })).entries).toEqual([]);
    expect((await open({})).entries.map((entry) => entry.text)).toEqual(['real finding']);
  });

  it('lets one session at a time open an incident, and takes over the lock of one that died', async () => {
    const first = await open({ incident });
    const other = spawn('sleep', ['30']);
    try {
      const lock = `${incidentDirectory(home, 'INC-TEST-1')}.lock`;
      // Another live process holds it.
      await writeFile(lock, `${other.pid}\n`);
      await expect(open()).rejects.toThrow(
        `incident INC-TEST-1 is open in another session (process ${other.pid}); join that one, or end it first`,
      );
      // Its process is gone (a crash): the next session takes the lock over.
      other.kill('SIGKILL');
      await new Promise((resolve) => other.once('exit', resolve));
      const second = await open();
      expect(readFileSync(lock, 'utf8').trim()).toBe(String(process.pid));
      second.close();
      await expect(stat(lock)).rejects.toThrow();
    } finally {
      other.kill('SIGKILL');
      first.close();
    }
  });

  it('refuses ids that are not a plain folder name', () => {
    for (const id of ['../escape', 'a/b', '__proto__', '', '.hidden']) {
      expect(() => incidentDirectory(home, id), id).toThrow(/is not an incident id/);
    }
    expect(incidentDirectory(home, 'INC-2025.11_18')).toBe(
      join(home, 'incidents', 'INC-2025.11_18'),
    );
  });

  it('writes the incident file on first open, and keeps it when re-entered by id', async () => {
    await open();
    const file = join(home, 'incidents', 'INC-TEST-1', 'incident.json');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(incident);
    await open({});
    expect((await stat(file)).isFile()).toBe(true);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(incident);
  });
});
