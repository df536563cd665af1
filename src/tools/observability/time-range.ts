/**
 * The time formats the observability tools accept (the ones Grafana's MCP server
 * takes, so prompts written for it work here): RFC 3339, unix seconds, and `now`
 * with an optional offset (`now-15m`, `now-1h30m`). Windows are bounded so one
 * tool call cannot ask a server for days of data.
 */

const unitSeconds: ReadonlyMap<string, number> = new Map([
  ['ms', 0.001],
  ['s', 1],
  ['m', 60],
  ['h', 3_600],
  ['d', 86_400],
  ['w', 604_800],
  ['y', 31_536_000],
]);

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const unixSeconds = /^\d+(\.\d+)?$/;
const relative = /^now\s*(?:([+-])\s*(\S+))?$/;
const durationPart = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g;

/** Unix seconds past this are milliseconds or nanoseconds (year 5138): refuse rather than guess. */
const largestUnixSeconds = 1e11;

const formats =
  'RFC 3339 (2026-11-26T10:00:00Z), unix seconds (1795680000), or now / now-15m / now-1h';

/** `1h30m` → 5400; anything else → undefined. */
export function parseDurationSeconds(text: string): number | undefined {
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(durationPart)) {
    if (match.index !== consumed) return undefined;
    const [whole, amount = '', unit = ''] = match;
    total += Number(amount) * (unitSeconds.get(unit) ?? Number.NaN);
    consumed += whole.length;
  }
  return consumed === text.length && consumed > 0 && Number.isFinite(total) ? total : undefined;
}

/** Parses one tool time argument; `field` names it in the error the model reads. */
export function parseTimeInput(text: string, now: Date, field: string): Date {
  const value = text.trim();
  const relativeMatch = relative.exec(value);
  if (relativeMatch !== null) {
    const [, sign, duration] = relativeMatch;
    if (sign === undefined || duration === undefined) return new Date(now.getTime());
    const seconds = parseDurationSeconds(duration);
    if (seconds === undefined) {
      throw new Error(
        `${field} "${text}": "${duration}" is not a duration; use units ms, s, m, h, d, w (now-15m, now-1h30m)`,
      );
    }
    return new Date(now.getTime() + (sign === '-' ? -1 : 1) * seconds * 1000);
  }
  if (unixSeconds.test(value)) {
    const seconds = Number(value);
    if (seconds > largestUnixSeconds) {
      throw new Error(
        `${field} "${text}" looks like milliseconds or nanoseconds; pass unix seconds (${Math.floor(now.getTime() / 1000)} is now)`,
      );
    }
    return new Date(seconds * 1000);
  }
  if (rfc3339.test(value)) {
    const parsed = Date.parse(value.replace(' ', 'T'));
    if (!Number.isNaN(parsed)) return new Date(parsed);
  }
  throw new Error(`${field} "${text}" is not a time: use ${formats}`);
}

export interface TimeRangeRequest {
  startTime?: string;
  endTime?: string;
  /** How far back `startTime` defaults to from `endTime`. */
  defaultWindowSeconds: number;
  maxWindowSeconds: number;
  /** `refuse` throws on a longer window; `clamp` moves the start up to the cap. */
  overCap: 'refuse' | 'clamp';
}

export interface TimeRange {
  start: Date;
  end: Date;
  /** Set when the window was clamped: what the caller asked for. */
  requestedStart: Date | null;
}

export function formatHours(seconds: number): string {
  const hours = seconds / 3_600;
  return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} h`;
}

export function resolveTimeRange(request: TimeRangeRequest, now: Date): TimeRange {
  const end = request.endTime === undefined ? now : parseTimeInput(request.endTime, now, 'endTime');
  const start =
    request.startTime === undefined
      ? new Date(end.getTime() - request.defaultWindowSeconds * 1000)
      : parseTimeInput(request.startTime, now, 'startTime');
  if (start.getTime() > end.getTime()) {
    throw new Error(
      `startTime ${start.toISOString()} is after endTime ${end.toISOString()}: swap them or widen the window`,
    );
  }
  const spanSeconds = (end.getTime() - start.getTime()) / 1000;
  if (spanSeconds <= request.maxWindowSeconds) return { start, end, requestedStart: null };
  if (request.overCap === 'refuse') {
    throw new Error(
      `the range ${start.toISOString()} → ${end.toISOString()} spans ${formatHours(spanSeconds)}, more than the ${formatHours(request.maxWindowSeconds)} cap: narrow startTime/endTime (for example startTime: "now-6h")`,
    );
  }
  const clamped = new Date(end.getTime() - request.maxWindowSeconds * 1000);
  return { start: clamped, end, requestedStart: start };
}

export interface StepChoice {
  stepSeconds: number;
  /** Why the step differs from the one asked for, for the model to read; null when it does not. */
  note: string | null;
}

/**
 * Picks a range query's step so each series has at most `maxPoints` points:
 * without a step, about 250 points; a finer requested step is raised and the
 * result says so.
 */
export function chooseStep(
  spanSeconds: number,
  requested: number | undefined,
  maxPoints: number,
): StepChoice {
  const finest = spanSeconds / Math.max(1, maxPoints - 1);
  if (requested === undefined) {
    return { stepSeconds: Math.max(1, Math.ceil(spanSeconds / 250), roundUp(finest)), note: null };
  }
  if (requested >= finest) return { stepSeconds: requested, note: null };
  const raised = roundUp(finest);
  return {
    stepSeconds: raised,
    note: `step raised from ${requested} s to ${raised} s so each series has at most ${maxPoints} points`,
  };
}

/** Whole seconds above one second, milliseconds below: steps a person can read. */
function roundUp(seconds: number): number {
  return seconds >= 1 ? Math.ceil(seconds) : Math.ceil(seconds * 1000) / 1000;
}
