/** `warroom tools pin --reset <server>__<tool> | <server>`: forget a pinned MCP tool definition. */
import { join, resolve } from 'node:path';
import { type CliIo, warroomHome } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';

export default async function toolsPinAction(
  io: CliIo,
  options: { reset: string },
): Promise<number> {
  const { createFilePinStore, resetPin } = await import('../../index.js');
  const file = join(resolve(io.cwd, warroomHome(io)), 'mcp-pins.json');
  const removed = await resetPin(createFilePinStore(file), options.reset);
  if (removed.length === 0) {
    io.stderr(`no pinned MCP tool matches ${options.reset}\n`);
    return exitCodes.usage;
  }
  for (const pin of removed)
    io.stdout(`reset ${pin.server}__${pin.tool}: pinned again on its next use\n`);
  return exitCodes.ok;
}
