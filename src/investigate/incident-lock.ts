/**
 * One session per incident at a time. Two war rooms writing one memory would number
 * entries twice, miss each other's findings and reuse each other's call labels, so
 * opening an incident takes `<id>.lock` beside its folder (beside, so a rehearsal
 * that clears its folder keeps it), holding the process id; a lock whose process is
 * gone (a crash, kill -9) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { processAlive } from '../engine/index.js';
import { WarroomError } from '../errors.js';

export interface IncidentLock {
  release(): void;
}

export async function lockIncident(directory: string, id: string): Promise<IncidentLock> {
  const file = `${directory}.lock`;
  await mkdir(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const descriptor = openSync(file, 'wx');
      writeSync(descriptor, `${process.pid}\n`);
      closeSync(descriptor);
      return { release: () => rmSync(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(file, 'utf8').trim());
    if (processAlive(holder) && holder !== process.pid) {
      throw new WarroomError({
        code: 'USAGE',
        message: `incident ${id} is open in another session (process ${holder}); join that one, or end it first`,
        userError: true,
      });
    }
    // Its session ended without releasing it: take it over.
    rmSync(file, { force: true });
  }
  throw new WarroomError({
    code: 'USAGE',
    message: `incident ${id} is being opened by another session at the same time; try again`,
    userError: true,
  });
}
