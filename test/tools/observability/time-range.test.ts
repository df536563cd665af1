import { describe, expect, it } from 'vitest';
import {
  chooseStep,
  parseDurationSeconds,
  parseTimeInput,
  resolveTimeRange,
} from '../../../src/tools/observability/index.js';

const now = new Date('2026-11-26T10:00:00.000Z');

describe('parseTimeInput', () => {
  it('reads RFC 3339 with Z, offsets and fractions', () => {
    expect(parseTimeInput('2026-11-26T09:30:00Z', now, 'startTime').toISOString()).toBe(
      '2026-11-26T09:30:00.000Z',
    );
    expect(parseTimeInput('2026-11-26T11:30:00+02:00', now, 'startTime').toISOString()).toBe(
      '2026-11-26T09:30:00.000Z',
    );
    expect(parseTimeInput('2026-11-26T09:30:00.250Z', now, 'startTime').getTime()).toBe(
      Date.parse('2026-11-26T09:30:00.250Z'),
    );
  });

  it('reads unix seconds, whole or fractional', () => {
    expect(parseTimeInput('1795680000', now, 'endTime').getTime()).toBe(1_795_680_000_000);
    expect(parseTimeInput('1795680000.5', now, 'endTime').getTime()).toBe(1_795_680_000_500);
  });

  it('reads now and offsets from it, compound units included', () => {
    expect(parseTimeInput('now', now, 'endTime')).toEqual(now);
    expect(parseTimeInput('now-15m', now, 'startTime').toISOString()).toBe(
      '2026-11-26T09:45:00.000Z',
    );
    expect(parseTimeInput('now-1h', now, 'startTime').toISOString()).toBe(
      '2026-11-26T09:00:00.000Z',
    );
    expect(parseTimeInput('now - 1h30m', now, 'startTime').toISOString()).toBe(
      '2026-11-26T08:30:00.000Z',
    );
    expect(parseTimeInput('now+30s', now, 'endTime').toISOString()).toBe(
      '2026-11-26T10:00:30.000Z',
    );
  });

  it('explains what is wrong with a time it cannot read, naming the field', () => {
    expect(() => parseTimeInput('yesterday', now, 'startTime')).toThrow(
      'startTime "yesterday" is not a time: use RFC 3339 (2026-11-26T10:00:00Z), unix seconds (1795680000), or now / now-15m / now-1h',
    );
    expect(() => parseTimeInput('2026-13-45T99:00:00Z', now, 'endTime')).toThrow(
      /endTime .* is not a time/,
    );
    expect(() => parseTimeInput('now-5x', now, 'startTime')).toThrow(
      'startTime "now-5x": "5x" is not a duration; use units ms, s, m, h, d, w (now-15m, now-1h30m)',
    );
    expect(() => parseTimeInput('1795680000000', now, 'startTime')).toThrow(
      /looks like milliseconds or nanoseconds; pass unix seconds/,
    );
  });

  it('parses durations only when the whole text is made of units', () => {
    expect(parseDurationSeconds('1h30m')).toBe(5_400);
    expect(parseDurationSeconds('250ms')).toBe(0.25);
    expect(parseDurationSeconds('1h 30m')).toBeUndefined();
    expect(parseDurationSeconds('h')).toBeUndefined();
  });
});

describe('resolveTimeRange', () => {
  const base = { defaultWindowSeconds: 3_600, maxWindowSeconds: 86_400 } as const;

  it('defaults to the window before the end, which defaults to now', () => {
    const range = resolveTimeRange({ ...base, overCap: 'refuse' }, now);
    expect(range.end).toEqual(now);
    expect(range.start.toISOString()).toBe('2026-11-26T09:00:00.000Z');
    expect(range.requestedStart).toBeNull();
  });

  it('refuses a start after the end', () => {
    expect(() =>
      resolveTimeRange({ ...base, overCap: 'refuse', startTime: 'now', endTime: 'now-1h' }, now),
    ).toThrow(/startTime 2026-11-26T10:00:00.000Z is after endTime 2026-11-26T09:00:00.000Z/);
  });

  it('refuses or clamps a window over the cap, as asked', () => {
    expect(() =>
      resolveTimeRange({ ...base, overCap: 'refuse', startTime: 'now-2d' }, now),
    ).toThrow(/spans 48 h, more than the 24 h cap: narrow startTime\/endTime/);
    const clamped = resolveTimeRange({ ...base, overCap: 'clamp', startTime: 'now-2d' }, now);
    expect(clamped.start.toISOString()).toBe('2026-11-25T10:00:00.000Z');
    expect(clamped.requestedStart?.toISOString()).toBe('2026-11-24T10:00:00.000Z');
  });
});

describe('chooseStep', () => {
  it('gives about 250 points when no step is asked for', () => {
    expect(chooseStep(3_600, undefined, 1_000)).toEqual({ stepSeconds: 15, note: null });
    expect(chooseStep(60, undefined, 1_000)).toEqual({ stepSeconds: 1, note: null });
  });

  it('keeps a step that stays under the point cap, fractional ones included', () => {
    expect(chooseStep(30, 0.05, 1_000)).toEqual({ stepSeconds: 0.05, note: null });
  });

  it('raises a step that would exceed the point cap and says so', () => {
    const choice = chooseStep(86_400, 1, 1_000);
    expect(choice.stepSeconds).toBe(87);
    expect(Math.floor(86_400 / choice.stepSeconds) + 1).toBeLessThanOrEqual(1_000);
    expect(choice.note).toBe('step raised from 1 s to 87 s so each series has at most 1000 points');
  });
});
