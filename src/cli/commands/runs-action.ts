/** `warroom runs`: the runs under $WARROOM_HOME/runs/, newest first. */
import { resolve } from 'node:path';
import type { RunListing } from '../../index.js';
import { type CliIo, warroomHome } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';

export default async function runsAction(io: CliIo, options: { json?: boolean }): Promise<number> {
  const { listRuns } = await import('../../index.js');
  const runs = await listRuns({ home: resolve(io.cwd, warroomHome(io)) });
  if (options.json) {
    io.stdout(`${JSON.stringify(runs, null, 2)}\n`);
    return exitCodes.ok;
  }
  if (runs.length === 0) {
    io.stderr(`no runs under ${warroomHome(io)}/runs\n`);
    return exitCodes.ok;
  }
  const rows = [
    ['RUN', 'CHAIN', 'STATUS', 'STARTED', 'DURATION', 'TOKENS', 'COST'],
    ...runs.map(row),
  ];
  const widths = rows[0]?.map((_, column) =>
    Math.max(...rows.map((r) => (r[column] ?? '').length)),
  );
  for (const cells of rows) {
    io.stdout(
      `${cells
        .map((cell, column) => cell.padEnd(widths?.[column] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
  }
  const crashed = runs.filter(
    (run) =>
      run.status === 'crashed' || run.status === 'stopped' || run.status === 'awaiting-decision',
  );
  if (crashed.length > 0)
    io.stderr('crashed and stopped runs continue with: warroom resume <run>\n');
  return exitCodes.ok;
}

function row(run: RunListing): string[] {
  return [
    run.id,
    run.chain,
    run.status,
    run.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    run.durationMs === undefined ? '-' : duration(run.durationMs),
    String(run.tokens),
    `$${run.costUsd.toFixed(4)}`,
  ];
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
