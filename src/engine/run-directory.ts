/**
 * A run's directory: the resolved chain and input, the append-only event log,
 * each finished subtask's output, and the report.
 *
 *   run.json  chain.md  input.json  events.jsonl  outputs/subtask-N.{json,md}  report.{json,md}
 *
 * Durability. The crash a run must survive is the death of its process (`kill -9`,
 * the OOM killer, a bug) at any moment; the operating system's page cache outlives
 * it. So:
 * - Every write is finished in the page cache before its promise resolves: once
 *   `appendEvent` or `writeFile` has resolved, killing the process loses nothing.
 * - Files are written whole under a temporary name and renamed into place, so a
 *   reader sees the old file or the new one, never part of one; a kill mid-write
 *   leaves only a `*.tmp` file (a resume removes those).
 * - Events are whole lines appended in call order, so a kill can tear only the last
 *   line, which run-log.ts skips and the next writer terminates.
 * None of that needs fsync. Power loss or a kernel crash also loses the page cache;
 * against those the directory syncs at checkpoints, in one parallel round of fsyncs
 * over everything written since the previous round (files, the folders whose
 * entries changed — a new folder's parent included, so a new run's directory is not
 * lost from runs/ — and the log):
 * - before a `subtask-end` line is written: its output is then on disk before any
 *   line naming it can be, so power loss may make a finished subtask run again but
 *   never lets a half-written output count as done (the line itself is synced by
 *   the next round);
 * - after a `tool-call-start` or `run-end` line: these must be on disk themselves
 *   before the caller goes on (a write tool is about to change the world; the run
 *   says it is over);
 * - before a file replaces an existing one (run.json at the end of a run), its new
 *   content included: power loss never swaps a durable file for an empty one, and
 *   the new run.json never reaches the disk ahead of the report written before it.
 * - after `run-start` and `run-resume`, without waiting: the run's definitions,
 *   input and run.json reach the disk while the first model call runs; the first
 *   checkpoint waits for that round as well as its own.
 * So a 4-subtask run waits for six rounds, most of them an output and the log;
 * syncing each file as it was written (and none of the log) took ~16 serial fsyncs
 * and bought nothing against `kill -9`.
 *
 * The writes themselves are synchronous system calls: a few small files per subtask
 * go to the page cache in microseconds, while each asynchronous call waits a round
 * trip through libuv's thread pool (0.1–0.3 ms on a busy machine, three or four per
 * file). fsync waits on the disk, so it stays asynchronous.
 *
 * `createMemoryRunDirectory` keeps the same files in memory (same serialising and
 * redaction), for runs that need no log on disk: benchmarks, and embedding callers
 * that keep their own record. Such a run cannot be resumed.
 */
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  existsSync,
  fdatasync,
  fsync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { WarroomError } from '../errors.js';
import type { Redactor } from '../fixture/index.js';
import type { RunEvent } from './run-events.js';
import { parseRunLog, type RunLog } from './run-log.js';

export interface RunDirectory {
  readonly path: string;
  readonly runId: string;
  appendEvent(event: RunEvent): Promise<void>;
  /** Ends a half-written last line (a crash mid-append), so the next event starts a line of its own. */
  terminateEventLog(): Promise<void>;
  /** The audit log of write-tool calls (`audit.jsonl`), append-only like the event log. */
  appendAudit(entry: Record<string, unknown>): Promise<void>;
  writeFile(relativePath: string, content: string): Promise<string>;
  writeJson(relativePath: string, value: unknown): Promise<string>;
  /** The event log as written so far (earlier processes' events included, for a resumed run). */
  readLog(options?: { lenient?: boolean }): Promise<RunLog>;
}

type RunRedactor = Pick<Redactor, 'redactText' | 'redactValue'>;

export interface RunDirectoryOptions {
  home: string;
  out?: string;
  runId: string;
  /** Applied to everything written: secrets never reach the run's files. */
  redactor?: RunRedactor;
}

/** Lines naming a file that must be on disk before the line can be. */
const syncedBefore = new Set<RunEvent['type']>(['subtask-end']);
/** Lines that must be on disk before the caller goes on. */
const syncedAfter = new Set<RunEvent['type']>(['tool-call-start', 'run-end']);
/** Lines after which a round starts without waiting: the run's set-up, during the first call. */
const syncedBehind = new Set<RunEvent['type']>(['run-start', 'run-resume']);

const noRedaction: RunRedactor = { redactText: (text) => text, redactValue: (value) => value };

export function newRunId(chainId: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${chainId.replace(/[^A-Za-z0-9_-]/g, '_')}-${randomBytes(3).toString('hex')}`;
}

function isForeignRun(path: string): boolean {
  try {
    const entries = readdirSync(path);
    return entries.includes('run.json') || entries.includes('events.jsonl');
  } catch {
    return false;
  }
}

function runPath(options: RunDirectoryOptions): string {
  return resolve(options.out ?? join(options.home, 'runs', options.runId));
}

/** Creates the directory; `out` naming another run's directory is a user error. */
export async function createRunDirectory(options: RunDirectoryOptions): Promise<RunDirectory> {
  const path = runPath(options);
  if (options.out && isForeignRun(path)) {
    throw new WarroomError({
      code: 'USAGE',
      message: `--out ${options.out} already holds another run (run.json/events.jsonl); choose an empty or new directory`,
      userError: true,
    });
  }
  const existing = statSync(path, { throwIfNoEntry: false });
  if (existing && !existing.isDirectory()) {
    throw new WarroomError({
      code: 'USAGE',
      message: `--out ${path} exists and is not a directory`,
      userError: true,
    });
  }
  const outputs = join(path, 'outputs');
  const created = mkdirSync(outputs, { recursive: true });
  return openRunDirectory(
    path,
    options.runId,
    options.redactor ?? noRedaction,
    createdFolderParents(created, outputs),
  );
}

/**
 * The folders whose entries a `mkdir -p` changed: the parent of every folder it created
 * (`created` is the first, as mkdirSync returns it). A new folder survives power loss
 * only once its parent's entry for it is synced too.
 */
function createdFolderParents(created: string | undefined, last: string): string[] {
  if (created === undefined) return [];
  const parents: string[] = [];
  for (let folder = last; ; folder = dirname(folder)) {
    parents.push(dirname(folder));
    if (folder === created || dirname(folder) === folder) break;
  }
  return parents;
}

/** An existing run's directory, for a resumed run to append to. */
export function reopenRunDirectory(options: {
  path: string;
  runId: string;
  redactor?: RunRedactor;
}): RunDirectory {
  return openRunDirectory(options.path, options.runId, options.redactor ?? noRedaction);
}

/** One write at a time, in call order: the event log is append-only and ordered. */
function serialQueue() {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(work: () => T | Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
}

function openRunDirectory(
  path: string,
  runId: string,
  redactor: RunRedactor,
  newFolderParents: string[] = [],
): RunDirectory {
  const serial = serialQueue();
  const eventsFile = join(path, 'events.jsonl');
  // Written since the last sync round: file data, and folders whose entries changed.
  const unsyncedFiles = new Set<string>();
  const unsyncedFolders = new Set<string>(newFolderParents);
  const knownFolders = new Set<string>([path, join(path, 'outputs')]);
  const knownLogs = new Set<string>();
  const temporaryStem = `${process.pid}.${randomBytes(4).toString('hex')}`;
  let temporaries = 0;

  const append = (file: string, line: string) => {
    if (!knownLogs.has(file)) {
      // A new log's folder entry must be synced too.
      if (!existsSync(file)) unsyncedFolders.add(dirname(file));
      knownLogs.add(file);
    }
    appendFileSync(file, line);
    unsyncedFiles.add(file);
  };
  // Every round so far, background ones included: a round is done when this settles.
  let synced: Promise<unknown> = Promise.resolve();
  /** Syncs everything written since the last round, in one parallel round of fsyncs. */
  const syncWritten = (): Promise<unknown> => {
    const files = [...unsyncedFiles];
    const folders = [...unsyncedFolders];
    unsyncedFiles.clear();
    unsyncedFolders.clear();
    synced = Promise.all([
      synced,
      ...files.map((file) => syncPath(file, 'data')),
      ...folders.map((folder) => syncPath(folder, 'folder')),
    ]);
    return synced;
  };
  const writeFile = (relativePath: string, content: string) =>
    serial(async () => {
      const target = join(path, relativePath);
      const folder = dirname(target);
      if (!knownFolders.has(folder)) {
        const created = mkdirSync(folder, { recursive: true });
        for (const parent of createdFolderParents(created, folder)) unsyncedFolders.add(parent);
        knownFolders.add(folder);
      }
      temporaries += 1;
      const temporary = `${target}.${temporaryStem}-${temporaries}.tmp`;
      writeFileSync(temporary, redactor.redactText(content));
      if (existsSync(target)) {
        unsyncedFiles.add(temporary);
        await syncWritten();
        renameSync(temporary, target);
      } else {
        renameSync(temporary, target);
        unsyncedFiles.add(target);
      }
      unsyncedFolders.add(folder);
      return target;
    });
  return {
    path,
    runId,
    appendAudit: (entry) =>
      serial(() =>
        append(join(path, 'audit.jsonl'), `${JSON.stringify(redactor.redactValue(entry))}\n`),
      ),
    appendEvent: (event) =>
      serial(async () => {
        const line = `${JSON.stringify(redactor.redactValue(event))}\n`;
        if (syncedBefore.has(event.type)) await syncWritten();
        append(eventsFile, line);
        if (syncedAfter.has(event.type)) await syncWritten();
        // A failure surfaces at the next checkpoint, which waits for this round too.
        if (syncedBehind.has(event.type)) syncWritten().catch(() => undefined);
      }),
    terminateEventLog: () => serial(() => append(eventsFile, '\n')),
    writeFile,
    // Values are redacted before serialising, so escaping cannot hide a secret.
    writeJson: (relativePath, value) =>
      writeFile(relativePath, `${JSON.stringify(redactor.redactValue(value), null, 2)}\n`),
    // Read synchronously, like the appends: one small file, once per run.
    readLog: (options) => serial(() => parseRunLog(readLogText(eventsFile), eventsFile, options)),
  };
}

function readLogText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw cause;
  }
}

/**
 * fsync for a file's data, or for a folder's entries (the renames in it). A path
 * that is gone has nothing left to sync; a platform that cannot open or sync a
 * folder (Windows) keeps its own guarantees for renames.
 */
function syncPath(path: string, kind: 'data' | 'folder'): Promise<void> {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'r');
  } catch {
    return Promise.resolve();
  }
  return new Promise<void>((resolve, reject) => {
    const done = (error: NodeJS.ErrnoException | null) => {
      closeSync(descriptor);
      if (error && kind === 'data') reject(error);
      else resolve();
    };
    if (kind === 'data') fdatasync(descriptor, done);
    else fsync(descriptor, done);
  });
}

export interface MemoryRunDirectory extends RunDirectory {
  /** The files as they would be on disk, by path relative to the run directory. */
  readonly files: ReadonlyMap<string, string>;
}

/**
 * A run directory kept in memory: the same files, serialised and redacted the same
 * way, with nothing written to disk. Same signature as `createRunDirectory`.
 */
export async function createMemoryRunDirectory(
  options: RunDirectoryOptions,
): Promise<MemoryRunDirectory> {
  const path = runPath(options);
  const redactor = options.redactor ?? noRedaction;
  const files = new Map<string, string>();
  const appendTo = (name: string, text: string) => {
    files.set(name, (files.get(name) ?? '') + text);
  };
  const writeFile = async (relativePath: string, content: string) => {
    files.set(relativePath, redactor.redactText(content));
    return join(path, relativePath);
  };
  return {
    path,
    runId: options.runId,
    files,
    appendEvent: async (event) =>
      appendTo('events.jsonl', `${JSON.stringify(redactor.redactValue(event))}\n`),
    terminateEventLog: async () => appendTo('events.jsonl', '\n'),
    appendAudit: async (entry) =>
      appendTo('audit.jsonl', `${JSON.stringify(redactor.redactValue(entry))}\n`),
    writeFile,
    writeJson: (relativePath, value) =>
      writeFile(relativePath, `${JSON.stringify(redactor.redactValue(value), null, 2)}\n`),
    readLog: async (options) =>
      parseRunLog(files.get('events.jsonl') ?? '', join(path, 'events.jsonl'), options),
  };
}
