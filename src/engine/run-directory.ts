/**
 * A run's directory: the resolved chain and input, the append-only event log,
 * each finished subtask's output (written atomically, so a crash never leaves a
 * half-written file), and the report.
 *
 *   run.json  chain.md  input.json  events.jsonl  outputs/subtask-N.{json,md}  report.{json,md}
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, open, readdir, rename, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { WarroomError } from '../errors.js';
import type { Redactor } from '../fixture/index.js';
import type { RunEvent } from './run-events.js';

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
}

export function newRunId(chainId: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${chainId.replace(/[^A-Za-z0-9_-]/g, '_')}-${randomBytes(3).toString('hex')}`;
}

async function isForeignRun(path: string): Promise<boolean> {
  try {
    const entries = await readdir(path);
    return entries.includes('run.json') || entries.includes('events.jsonl');
  } catch {
    return false;
  }
}

/** Creates the directory; `out` naming another run's directory is a user error. */
export async function createRunDirectory(options: {
  home: string;
  out?: string;
  runId: string;
  /** Applied to everything written: secrets never reach the run's files. */
  redactor?: Pick<Redactor, 'redactText' | 'redactValue'>;
}): Promise<RunDirectory> {
  const path = resolve(options.out ?? join(options.home, 'runs', options.runId));
  if (options.out && (await isForeignRun(path))) {
    throw new WarroomError({
      code: 'USAGE',
      message: `--out ${options.out} already holds another run (run.json/events.jsonl); choose an empty or new directory`,
      userError: true,
    });
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isDirectory()) {
    throw new WarroomError({
      code: 'USAGE',
      message: `--out ${path} exists and is not a directory`,
      userError: true,
    });
  }
  await mkdir(join(path, 'outputs'), { recursive: true });
  return openRunDirectory(
    path,
    options.runId,
    options.redactor ?? { redactText: (text) => text, redactValue: (value) => value },
  );
}

/** An existing run's directory, for a resumed run to append to. */
export function reopenRunDirectory(options: {
  path: string;
  runId: string;
  redactor?: Pick<Redactor, 'redactText' | 'redactValue'>;
}): RunDirectory {
  return openRunDirectory(
    options.path,
    options.runId,
    options.redactor ?? { redactText: (text) => text, redactValue: (value) => value },
  );
}

function openRunDirectory(
  path: string,
  runId: string,
  redactor: Pick<Redactor, 'redactText' | 'redactValue'>,
): RunDirectory {
  // One write at a time, in order: the event log is append-only and ordered.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const writeFile = (relativePath: string, content: string) =>
    serial(async () => {
      const target = join(path, relativePath);
      await mkdir(dirname(target), { recursive: true });
      await writeAtomically(target, redactor.redactText(content));
      return target;
    });
  return {
    path,
    runId,
    appendAudit: (entry) =>
      serial(() =>
        appendFile(join(path, 'audit.jsonl'), `${JSON.stringify(redactor.redactValue(entry))}\n`),
      ),
    appendEvent: (event) =>
      serial(() =>
        appendFile(join(path, 'events.jsonl'), `${JSON.stringify(redactor.redactValue(event))}\n`),
      ),
    terminateEventLog: () => serial(() => appendFile(join(path, 'events.jsonl'), '\n')),
    writeFile,
    // Values are redacted before serialising, so escaping cannot hide a secret.
    writeJson: (relativePath, value) =>
      writeFile(relativePath, `${JSON.stringify(redactor.redactValue(value), null, 2)}\n`),
  };
}

async function writeAtomically(target: string, content: string): Promise<void> {
  const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, target);
}
