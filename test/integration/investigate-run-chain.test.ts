/**
 * `/run <chain>` from the war room: the engine runs the chain on the incident with
 * what the room has established as `war_room` in its input, shows its progress, and
 * the run goes into the incident's memory. Replayed on the shipped fixtures, whose
 * prompts do not read `war_room`, so the recorded exchanges still match.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/cli-harness.js';

const home = await mkdtemp(join(tmpdir(), 'warroom-room-run-'));
afterAll(() => rm(home, { recursive: true, force: true }));

describe('/run from the war room', () => {
  it("runs the chain on the incident and the room's findings, and remembers the run", async () => {
    const script = join(home, 'script.txt');
    await writeFile(
      script,
      [
        '/note rollback of v3.42.0 started 14:31Z',
        '/run incident-response',
        '/recall run',
        '/quit',
        '',
      ].join('\n'),
    );
    const run = await cli(
      [
        'investigate',
        '--incident',
        'fixtures/incidents/db-pool-exhaustion.json',
        '--provider',
        'replay',
        '--script',
        script,
      ],
      { WARROOM_HOME: home },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('  ✓ subtask 4: 1 turn(s)');
    const directory = /run succeeded: (\S+);/.exec(run.stdout)?.[1] ?? '';
    expect(directory).not.toBe('');
    const input = JSON.parse(await readFile(join(directory, 'input.json'), 'utf8')) as {
      incident_id: string;
      war_room: { notes: Array<{ persona: string; text: string }> };
    };
    expect(input.incident_id).toBe('INC-20251118-0142');
    expect(input.war_room.notes).toEqual([
      { persona: 'engineer', text: 'rollback of v3.42.0 started 14:31Z' },
    ]);
    // The run is in memory: /recall finds it.
    expect(run.stdout).toMatch(/#\d+ run \[engineer\] incident-response: run succeeded/);
  });
});
