/**
 * What a persona is told when it joins: the incident as reported, then what the
 * memory holds, by kind, each line naming the persona (or the engineer) it came
 * from. No clock time appears, so the same memory recorded at other times gives
 * the same words: replayed sessions key the same.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/fixture/index.js';
import {
  handOff,
  IncidentMemory,
  type MemoryEntry,
  openingMessage,
} from '../../src/investigate/index.js';
import type { Persona } from '../../src/persona/index.js';
import { incident, makeHome, personas, TestClock } from './war-room-kit.js';

let home: string;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ home, remove } = await makeHome());
});
afterEach(() => remove());

const sre = personas.get('sre') as Persona;
const backend = personas.get('backend-engineer') as Persona;

async function memoryWith(
  id: string,
  clock: TestClock,
  entries: Array<Omit<MemoryEntry, 'seq' | 'at'>>,
): Promise<IncidentMemory> {
  const memory = await IncidentMemory.open({
    home,
    id,
    incident: { ...incident, incident_id: 'INC-TEST-1' },
    redactor: createRedactor({ env: {} }),
    clock: clock.now,
  });
  for (const entry of entries) {
    memory.record(entry);
    clock.advance(61_000);
  }
  return memory;
}

const room: Array<Omit<MemoryEntry, 'seq' | 'at'>> = [
  { kind: 'finding', text: 'pool at 14 per pod', persona: 'sre', source: 'persona' },
  { kind: 'note', text: 'DBA paged', source: 'engineer' },
  { kind: 'severity', text: 'SEV-2', source: 'engineer' },
  { kind: 'hypothesis', text: 'retry storm', persona: 'sre', source: 'persona' },
  { kind: 'tool-result', text: 'read_metrics(...) → 0.117', persona: 'sre', source: 'persona' },
  {
    kind: 'persona',
    text: 'sre → backend-engineer',
    persona: 'backend-engineer',
    source: 'engineer',
  },
  { kind: 'decision', text: 'roll back v3.42.0', persona: 'backend-engineer', source: 'persona' },
  { kind: 'action', text: 'rollback started', persona: 'backend-engineer', source: 'persona' },
];

describe('openingMessage and handOff', () => {
  it('opens a fresh incident with the incident alone', async () => {
    const memory = await memoryWith('fresh', new TestClock(0), []);
    const text = openingMessage({ memory, persona: sre });
    expect(text.split('\n')[0]).toBe(
      'Incident fresh ("checkout-api out of database connections"). The incident as reported:',
    );
    expect(text).toContain('"detected_at": "2025-11-18T14:14:30Z"');
    expect(text).not.toContain('established');
    expect(handOff(memory)).toEqual([]);
  });

  it('hands over what was established, by kind, with who established it', async () => {
    const memory = await memoryWith(
      'busy',
      new TestClock(Date.parse('2025-11-18T14:20:00Z')),
      room,
    );
    expect(handOff(memory)).toEqual([
      'Severity: SEV-2',
      '',
      'Findings:',
      '- [sre] pool at 14 per pod',
      '',
      'Hypotheses still open:',
      '- [sre] retry storm',
      '',
      'Decisions taken:',
      '- [backend-engineer] roll back v3.42.0',
      '',
      'Actions taken:',
      '- [backend-engineer] rollback started',
      '',
      "The engineer's notes:",
      '- [engineer] DBA paged',
      '',
      'Latest tool results:',
      '- [sre] read_metrics(...) → 0.117',
    ]);
    const text = openingMessage({ memory, persona: backend, from: sre });
    expect(text).toContain(
      'You (Backend Engineer) are taking over from the Site Reliability Engineer. What the war room has established so far:\n\nSeverity: SEV-2',
    );
    // Persona switches are the session's business, not facts about the incident.
    expect(text).not.toContain('sre → backend-engineer');
  });

  it('says when nothing is recorded yet at a hand-over', async () => {
    const memory = await memoryWith('empty', new TestClock(0), []);
    expect(openingMessage({ memory, persona: backend, from: sre })).toMatch(
      /taking over from the Site Reliability Engineer\. What the war room has established so far:\n\n- Nothing recorded yet\.$/,
    );
  });

  it('is the same words whenever the memory was recorded (no clock times)', async () => {
    const early = await memoryWith(
      'early',
      new TestClock(Date.parse('2025-11-18T14:20:00Z')),
      room,
    );
    const late = await memoryWith(
      'late',
      new TestClock(Date.parse('2031-02-03T04:05:06.789Z')),
      room,
    );
    expect(early.entries.map((entry) => entry.at)).not.toEqual(
      late.entries.map((entry) => entry.at),
    );
    const of = (memory: IncidentMemory) =>
      openingMessage({ memory, persona: backend, from: sre }).replace(/Incident \w+/, 'Incident X');
    expect(of(early)).toBe(of(late));
    for (const entry of late.entries) expect(of(late)).not.toContain(entry.at.slice(0, 16));
    expect(of(late)).not.toMatch(/2031|04:0[5-9]/);
  });

  it('keeps only the latest eight tool results', async () => {
    const results = Array.from({ length: 10 }, (_, index) => ({
      kind: 'tool-result' as const,
      text: `call ${index + 1}`,
      persona: 'sre',
      source: 'persona' as const,
    }));
    const memory = await memoryWith('tools', new TestClock(0), results);
    const lines = handOff(memory);
    expect(lines[0]).toBe('Latest tool results:');
    expect(lines.slice(1)).toEqual(
      Array.from({ length: 8 }, (_, index) => `- [sre] call ${index + 3}`),
    );
  });
});
