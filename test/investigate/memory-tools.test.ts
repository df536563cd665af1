/**
 * The memory tools every persona gets: record_finding writes one attributed entry
 * (evidence kept with it) and changes nothing outside the incident, so it is a
 * read-effect tool that needs no approval; recall_memory searches by words and kind.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/fixture/index.js';
import { IncidentMemory, memoryToolNames, memoryTools } from '../../src/investigate/index.js';
import type { ToolContext } from '../../src/tools/index.js';
import { incident, makeHome, TestClock } from './war-room-kit.js';

let home: string;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ home, remove } = await makeHome());
});
afterEach(() => remove());

const context = { signal: new AbortController().signal } as ToolContext;

describe('memory tools', () => {
  it('record the current persona’s finding with its evidence, and recall it by words and kind', async () => {
    const memory = await IncidentMemory.open({
      home,
      id: 'INC-TEST-1',
      incident,
      redactor: createRedactor({ env: {} }),
      clock: new TestClock(0).now,
    });
    let current = 'sre';
    const [record, recall] = memoryTools(memory, () => current);
    expect([record?.name, recall?.name]).toEqual([...memoryToolNames]);
    expect([record?.effect, recall?.effect]).toEqual(['read', 'read']);

    expect(
      await record?.run(
        { kind: 'finding', text: 'pool at 14 per pod', evidence: 'application-prod.yaml' },
        context,
      ),
    ).toEqual({ recorded: 1, kind: 'finding' });
    current = 'backend-engineer';
    await record?.run({ kind: 'hypothesis', text: 'N+1 queries hold the pool' }, context);

    expect(
      memory.entries.map(({ kind, text, persona, source }) => ({ kind, text, persona, source })),
    ).toEqual([
      {
        kind: 'finding',
        text: 'pool at 14 per pod (evidence: application-prod.yaml)',
        persona: 'sre',
        source: 'persona',
      },
      {
        kind: 'hypothesis',
        text: 'N+1 queries hold the pool',
        persona: 'backend-engineer',
        source: 'persona',
      },
    ]);
    expect(await recall?.run({ query: 'pool' }, context)).toEqual([
      {
        seq: 2,
        kind: 'hypothesis',
        persona: 'backend-engineer',
        text: 'N+1 queries hold the pool',
      },
      {
        seq: 1,
        kind: 'finding',
        persona: 'sre',
        text: 'pool at 14 per pod (evidence: application-prod.yaml)',
      },
    ]);
    expect(await recall?.run({ query: 'pool', kind: 'finding' }, context)).toHaveLength(1);
  });

  it('only let a persona record what it can establish (not severity or persona switches)', () => {
    const [record] = memoryTools({} as IncidentMemory, () => 'sre');
    const schema = record?.inputSchema as { properties: { kind: { enum: string[] } } };
    expect(schema.properties.kind.enum).toEqual([
      'finding',
      'hypothesis',
      'decision',
      'action',
      'metric',
    ]);
  });
});
