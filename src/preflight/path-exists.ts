import { access } from 'node:fs/promises';

/** Whether a conventional file (a default schema path) is there to use. */
export async function pathExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
