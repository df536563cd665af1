/**
 * Reading a run's event log (`events.jsonl`) back, for resume and `warroom runs`.
 *
 * Appends are whole lines, so a process killed mid-append leaves at most its LAST
 * line half-written: that line is skipped with a warning naming file:line, and the
 * next writer terminates it before appending (the bytes stay, as evidence). The
 * `run-resume` event that follows records the line it skipped (`repairedLine`), so
 * later readers know that line and pass over it quietly. A bad line anywhere else
 * means the log was damaged some other way: an error naming file:line, because
 * resuming from a log with a hole in it could run a finished subtask again.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { WarroomError } from '../errors.js';
import { parseJson } from '../schema/index.js';
import type { RunEvent } from './run-events.js';

export interface RunLog {
  file: string;
  events: RunEvent[];
  /** The 1-based line of each event in `events`. */
  lines: number[];
  warnings: string[];
  /** The file does not end with a newline: the next append must start a new line. */
  unterminated: boolean;
  /** The half-written last line skipped in this reading, if any. */
  brokenLastLine?: number;
}

/** Only what every event has is checked; the rest of its shape is the engine's own writing. */
const eventShape = z.looseObject({ type: z.string(), at: z.string() });

type LineResult = { ok: true; event: RunEvent } | { ok: false; message: string };

function parseLine(text: string): LineResult {
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, message: `${parsed.message} at column ${parsed.column}` };
  const shaped = eventShape.safeParse(parsed.value);
  if (!shaped.success) return { ok: false, message: 'not an event (no "type" and "at")' };
  return { ok: true, event: shaped.data as unknown as RunEvent };
}

/**
 * `lenient` skips every bad line (listing runs must not fail on one damaged log);
 * otherwise only a broken last line is tolerated.
 */
export async function readRunLog(directory: string, options: { lenient?: boolean } = {}) {
  const file = join(directory, 'events.jsonl');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
    text = '';
  }
  return parseRunLog(text, file, options);
}

export function parseRunLog(text: string, file: string, options: { lenient?: boolean } = {}) {
  const rows = text.split('\n');
  if (rows.at(-1) === '') rows.pop();
  const log: RunLog = {
    file,
    events: [],
    lines: [],
    warnings: [],
    unterminated: text !== '' && !text.endsWith('\n'),
  };
  const lookAhead = (index: number) => {
    const next = rows.slice(index + 1).find((row) => row.trim() !== '');
    return next === undefined ? undefined : parseLine(next);
  };
  rows.forEach((row, index) => {
    const line = index + 1;
    if (row.trim() === '') return;
    const result = parseLine(row);
    if (result.ok) {
      log.events.push(result.event);
      log.lines.push(line);
      return;
    }
    const next = lookAhead(index);
    if (next === undefined) {
      log.brokenLastLine = line;
      log.warnings.push(
        `${file}:${line}: skipped a truncated last line (the process died while writing it): ${result.message}`,
      );
      return;
    }
    const repaired =
      next.ok && next.event.type === 'run-resume' && next.event.repairedLine === line;
    if (repaired) return;
    if (options.lenient) {
      log.warnings.push(`${file}:${line}: skipped a corrupted line: ${result.message}`);
      return;
    }
    throw new WarroomError({
      code: 'RUN_FAILED',
      file,
      line,
      message: `the run log is corrupted (${result.message}); only a truncated last line can be skipped, so this run cannot be resumed safely — inspect the line, fix or remove it, then resume again`,
    });
  });
  return log;
}
