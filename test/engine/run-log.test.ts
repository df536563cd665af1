/** Reading events.jsonl back: which damage a resume tolerates and which it refuses. */
import { describe, expect, it } from 'vitest';
import { parseRunLog, WarroomError } from '../../src/index.js';

const start = '{"type":"run-start","at":"2025-03-01T12:00:00.000Z"}';
const end = '{"type":"subtask-end","at":"2025-03-01T12:00:01.000Z","subtask":1}';

describe('parseRunLog', () => {
  it('reads every event of a clean log with its line', () => {
    const log = parseRunLog(`${start}\n${end}\n`, 'events.jsonl');
    expect(log.events.map((event) => event.type)).toEqual(['run-start', 'subtask-end']);
    expect(log.lines).toEqual([1, 2]);
    expect(log.warnings).toEqual([]);
    expect(log.unterminated).toBe(false);
  });

  it('skips a half-written last line with one warning naming file:line', () => {
    const log = parseRunLog(`${start}\n${end}\n{"type":"model-ca`, 'runs/x/events.jsonl');
    expect(log.events).toHaveLength(2);
    expect(log.brokenLastLine).toBe(3);
    expect(log.unterminated).toBe(true);
    expect(log.warnings).toEqual([
      expect.stringMatching(/^runs\/x\/events\.jsonl:3: skipped a truncated last line/),
    ]);
  });

  it('keeps a whole last event that lost only its newline, and says the log needs terminating', () => {
    const log = parseRunLog(`${start}\n${end}`, 'events.jsonl');
    expect(log.events).toHaveLength(2);
    expect(log.warnings).toEqual([]);
    expect(log.unterminated).toBe(true);
  });

  it('refuses a bad line before the last one, naming file:line', () => {
    const text = `${start}\nnot json\n${end}\n`;
    const error = (() => {
      try {
        parseRunLog(text, 'events.jsonl');
      } catch (caught) {
        return caught;
      }
    })();
    expect(WarroomError.isInstance(error)).toBe(true);
    expect((error as WarroomError).located).toMatch(/^events\.jsonl:2: the run log is corrupted/);
  });

  it('passes over a broken line a later run-resume recorded as repaired', () => {
    const resume = '{"type":"run-resume","at":"2025-03-01T13:00:00.000Z","repairedLine":2}';
    const log = parseRunLog(`${start}\n{"type":"mod\n${resume}\n`, 'events.jsonl');
    expect(log.events.map((event) => event.type)).toEqual(['run-start', 'run-resume']);
    expect(log.warnings).toEqual([]);
  });
});
