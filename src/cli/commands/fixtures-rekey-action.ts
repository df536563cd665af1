/** `warroom fixtures rekey <dir>`: recompute fixture keys from stored requests after a hand edit. */
import { rekeyFixtureDirectory } from '../../index.js';
import { type CliIo, shownPath } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';

export default async function fixturesRekeyAction(io: CliIo, dir: string): Promise<number> {
  const results = await rekeyFixtureDirectory(dir);
  for (const result of results) {
    io.stdout(
      `${result.changed ? 'rekeyed ' : 'ok      '} ${result.key.slice(0, 12)}  ${shownPath(io, result.file)}\n`,
    );
  }
  const changed = results.filter((result) => result.changed).length;
  io.stdout(`${results.length} fixture file(s), ${changed} changed\n`);
  return exitCodes.ok;
}
