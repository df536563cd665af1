/**
 * An incident's memory: what the war room has established — findings, hypotheses,
 * decisions, notes, metric snapshots, tool results, severity changes, persona
 * switches — each with its time and the persona it came from. It lives under
 * `$WARROOM_HOME/incidents/<id>/` (beside runs), as an append-only JSONL file each
 * line of which is flushed to disk before it is acknowledged, so a crash loses
 * nothing already said; leaving and re-entering the incident reads it back.
 */
import { appendFileSync, closeSync, fsyncSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { WarroomError } from '../errors.js';
import type { Redactor } from '../fixture/index.js';
import { type JsonValue, parseJson } from '../schema/index.js';
import { type IncidentLock, lockIncident } from './incident-lock.js';

export const memoryKinds = [
  'finding',
  'hypothesis',
  'decision',
  'note',
  'metric',
  'tool-result',
  'action',
  'severity',
  'persona',
  'run',
  'report',
] as const;
export type MemoryKind = (typeof memoryKinds)[number];

export interface MemoryEntry {
  /** 1, 2, 3… in the order they were recorded. */
  seq: number;
  at: string;
  kind: MemoryKind;
  text: string;
  /** The persona it came from; absent for the engineer's own entries. */
  persona?: string;
  /** Who recorded it: the engineer (`/note`), a persona's tool call, the session. */
  source: 'engineer' | 'persona' | 'session';
  /** Structured detail: a tool's input and summarised result, a run's directory. */
  data?: JsonValue;
}

/** The incident as the engineer gave it (the chain-input shape), and its id. */
export interface IncidentFile {
  id: string;
  value: Record<string, JsonValue>;
}

const idPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const entrySchema = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  kind: z.enum(memoryKinds),
  text: z.string(),
  persona: z.string().optional(),
  source: z.enum(['engineer', 'persona', 'session']),
  data: z.custom<JsonValue>((value) => value !== undefined).optional(),
});

/**
 * Where an incident lives: `incidents/<id>/`, or for a rehearsal (a session played
 * from hand-written or recorded turns) `rehearsals/<id>/`, so a rehearsal never
 * touches the memory of a real incident with the same id.
 */
export function incidentDirectory(
  home: string,
  id: string,
  area: 'incidents' | 'rehearsals' = 'incidents',
): string {
  if (!idPattern.test(id) || id.includes('..')) {
    throw new WarroomError({
      code: 'USAGE',
      message: `"${id}" is not an incident id: letters, digits, dots, dashes and underscores`,
      userError: true,
    });
  }
  return join(resolve(home), area, id);
}

export class IncidentMemory {
  readonly #file: string;
  readonly #entries: MemoryEntry[];

  private constructor(
    readonly directory: string,
    readonly incident: IncidentFile,
    entries: MemoryEntry[],
    private readonly redactor: Redactor,
    private readonly clock: () => Date,
    private readonly lock: IncidentLock,
  ) {
    this.#file = join(directory, 'memory.jsonl');
    this.#entries = entries;
  }

  /** Lets another session open the incident (the memory stays readable here). */
  close(): void {
    this.lock.release();
  }

  /**
   * Opens the incident's memory, creating its folder the first time. `incident` is
   * required then (the incident file); later it may be left out (re-entering by id).
   * A rehearsal starts from nothing every time: its folder is emptied first, so a
   * played-back session sends exactly the requests it was recorded with.
   */
  static async open(options: {
    home: string;
    id: string;
    incident?: Record<string, JsonValue>;
    rehearsal?: boolean;
    redactor: Redactor;
    clock: () => Date;
  }): Promise<IncidentMemory> {
    const area = options.rehearsal ? 'rehearsals' : 'incidents';
    const directory = incidentDirectory(options.home, options.id, area);
    // Taken before anything is read or cleared: another session may be writing it.
    const lock = await lockIncident(directory, options.id);
    try {
      if (options.rehearsal) await rm(directory, { recursive: true, force: true });
      await mkdir(directory, { recursive: true });
      const incidentFile = join(directory, 'incident.json');
      // Redacted before anything sees it: the first session sends what a re-entry reads back.
      const value = options.incident
        ? options.redactor.redactValue(options.incident)
        : await readIncident(incidentFile, options.id);
      if (options.incident) await writeFile(incidentFile, `${JSON.stringify(value, null, 2)}\n`);
      const entries = await readEntries(join(directory, 'memory.jsonl'));
      return new IncidentMemory(
        directory,
        { id: options.id, value },
        entries,
        options.redactor,
        options.clock,
        lock,
      );
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  get entries(): readonly MemoryEntry[] {
    return this.#entries;
  }

  /** Appends an entry, flushed to disk before it returns. Secrets are redacted first. */
  record(entry: Omit<MemoryEntry, 'seq' | 'at'>): MemoryEntry {
    const full: MemoryEntry = this.redactor.redactValue({
      seq: (this.#entries.at(-1)?.seq ?? 0) + 1,
      at: this.clock().toISOString(),
      ...entry,
    });
    const descriptor = openSync(this.#file, 'a');
    try {
      appendFileSync(descriptor, `${JSON.stringify(full)}\n`);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    this.#entries.push(full);
    return full;
  }

  /**
   * Entries matching every word (case-insensitive, in the text, kind or persona),
   * best matches first, newest first among equals; `kind` narrows to one kind.
   */
  recall(query: string, kind?: MemoryKind): MemoryEntry[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const scored = this.#entries
      .filter((entry) => kind === undefined || entry.kind === kind)
      .map((entry) => {
        const haystack =
          `${entry.text} ${entry.kind} ${entry.persona ?? ''} ${entry.data ? JSON.stringify(entry.data) : ''}`.toLowerCase();
        const hits = words.map((word) => occurrences(haystack, word));
        return {
          entry,
          all: hits.every((count) => count > 0),
          score: hits.reduce((a, b) => a + b, 0),
        };
      })
      .filter((item) => item.all);
    return scored
      .sort((a, b) => b.score - a.score || b.entry.seq - a.entry.seq)
      .map((item) => item.entry);
  }

  /** The latest severity set in the war room, else the incident file's. */
  get severity(): string | undefined {
    const set = [...this.#entries].reverse().find((entry) => entry.kind === 'severity');
    const given = this.incident.value.severity;
    return set?.text ?? (typeof given === 'string' ? given : undefined);
  }

  /** The persona last switched to, for re-entering where the engineer left off. */
  get lastPersona(): string | undefined {
    return [...this.#entries].reverse().find((entry) => entry.kind === 'persona')?.persona;
  }
}

function occurrences(text: string, word: string): number {
  let count = 0;
  for (let index = text.indexOf(word); index >= 0; index = text.indexOf(word, index + 1)) count++;
  return count;
}

async function readIncident(file: string, id: string): Promise<Record<string, JsonValue>> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return { incident_id: id };
  const parsed = parseJson(text);
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object') {
    throw new WarroomError({
      code: 'INPUT_INVALID',
      file,
      message:
        'the incident file is damaged (not a JSON object); fix it or start the incident again from its file',
      userError: true,
    });
  }
  return parsed.value as Record<string, JsonValue>;
}

/**
 * Reads the memory back. A half-written last line (a crash mid-append) is dropped,
 * and cut from the file, so the next entry does not land glued onto it.
 */
async function readEntries(file: string): Promise<MemoryEntry[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const lines = text.split('\n');
  const entries: MemoryEntry[] = [];
  let offset = 0;
  for (const [index, line] of lines.entries()) {
    const last = index === lines.length - 1 || (index === lines.length - 2 && lines.at(-1) === '');
    const entry = line.trim() === '' ? undefined : parseEntry(line);
    if (line.trim() !== '' && entry === undefined) {
      if (last) {
        await truncate(file, offset);
        break;
      }
      throw new WarroomError({
        code: 'RUN_FAILED',
        file,
        line: index + 1,
        message: 'the incident memory has a damaged line; fix or remove it',
      });
    }
    if (entry) entries.push(entry);
    offset += Buffer.byteLength(line) + 1;
    // A complete last entry without its newline: end it, so the next one starts a line.
    if (entry && index === lines.length - 1) appendFileSync(file, '\n');
  }
  return entries;
}

function parseEntry(line: string): MemoryEntry | undefined {
  const parsed = parseJson(line);
  if (!parsed.ok) return undefined;
  const entry = entrySchema.safeParse(parsed.value);
  return entry.success ? (entry.data as MemoryEntry) : undefined;
}
