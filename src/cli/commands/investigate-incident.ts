/**
 * The files of a war-room session: which incident `--incident` opens (a file to
 * start or re-enter, an id to re-enter, a rehearsal afresh) and the session state
 * kept beside its memory (exchange count, last persona).
 */
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { IncidentMemory, JsonValue, Redactor } from '../../index.js';
import { type CliIo, shownPath } from '../cli-io.js';

type Library = typeof import('../../index.js');

/**
 * `--incident <file>` starts (or re-enters) the incident it names; `<id>` re-enters one.
 * A rehearsal starts afresh from the incident as reported.
 */
export async function openIncident(
  io: CliIo,
  options: { incident?: string; rehearsal: boolean },
  context: { home: string; clock: () => Date; redactor: Redactor },
  lib: Library,
): Promise<IncidentMemory> {
  const { IncidentMemory, incidentDirectory, WarroomError } = lib;
  const given = options.incident;
  const { rehearsal } = options;
  if (given === undefined) {
    if (rehearsal) {
      throw new WarroomError({
        code: 'USAGE',
        message:
          'a rehearsal (--provider replay or --responses) needs --incident <file|id>: its calls are labelled by the incident',
        userError: true,
      });
    }
    const stamp = context.clock().toISOString().replace(/[-:]/g, '').slice(0, 15);
    const id = `INC-${stamp}`;
    return IncidentMemory.open({ ...context, id, incident: { incident_id: id } });
  }
  const file = resolve(io.cwd, given);
  const isFile = await stat(file)
    .then((found) => found.isFile())
    .catch(() => false);
  if (isFile) {
    const { id, value } = await readIncidentFile(given, file, lib);
    return IncidentMemory.open({ ...context, id, incident: value, rehearsal });
  }
  const directory = incidentDirectory(context.home, given);
  const known = await stat(directory).catch(() => undefined);
  if (!known) {
    throw new WarroomError({
      code: 'USAGE',
      message: `--incident ${given}: no such file, and no incident with that id under ${shownPath(io, join(context.home, 'incidents'))}`,
      userError: true,
    });
  }
  if (!rehearsal) return IncidentMemory.open({ ...context, id: given });
  const { value } = await readIncidentFile(given, join(directory, 'incident.json'), lib);
  return IncidentMemory.open({ ...context, id: given, incident: value, rehearsal });
}

async function readIncidentFile(
  given: string,
  file: string,
  lib: Library,
): Promise<{ id: string; value: Record<string, JsonValue> }> {
  const parsed = lib.parseJson(await readFile(file, 'utf8'));
  if (!parsed.ok) {
    throw new lib.WarroomError({
      code: 'INPUT_INVALID',
      file: given,
      line: parsed.line,
      message: `not valid JSON: ${parsed.message}`,
      userError: true,
    });
  }
  const value = parsed.value;
  const id =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? value.incident_id
      : undefined;
  if (typeof id !== 'string') {
    throw new lib.WarroomError({
      code: 'INPUT_INVALID',
      file: given,
      message: 'the incident has no "incident_id" (a string): it names the incident\'s folder',
      userError: true,
    });
  }
  return { id, value: value as Record<string, JsonValue> };
}

export interface SessionState {
  /** Exchanges so far: the next one's label continues from here. */
  exchanges: number;
  /** The persona the engineer was talking to, to re-enter where they left. */
  persona?: string;
}

export async function readSessionState(file: string): Promise<SessionState> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return { exchanges: 0 };
  const { parseJson } = await import('../../index.js');
  const parsed = parseJson(text);
  const value = parsed.ok ? parsed.value : null;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { exchanges: 0 };
  return {
    exchanges: typeof value.exchanges === 'number' ? value.exchanges : 0,
    ...(typeof value.persona === 'string' ? { persona: value.persona } : {}),
  };
}

/** Written aside and renamed over, so a crash mid-write leaves the last whole state. */
export async function writeSessionState(file: string, state: SessionState): Promise<void> {
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}
