import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './cli-harness.js';

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
];

describe('warroom run-chain --json-events', () => {
  it('streams every run event as one JSON line on stdout, and nothing else', async () => {
    const home = await mkdtemp(join(tmpdir(), 'warroom-events-'));
    const run = await cli([...replayArgs, '--json-events'], { WARROOM_HOME: home });
    expect(run.code).toBe(0);
    const events = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(events[0]?.type).toBe('run-start');
    expect(events.at(-1)?.type).toBe('run-end');
    expect(events.filter((event) => event.type === 'subtask-end')).toHaveLength(4);
    expect(run.stderr).toContain('run succeeded:');
  });

  it('refuses --json together with --json-events', async () => {
    const run = await cli([...replayArgs, '--json-events', '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot be used with');
  });
});
