// @ts-check
/**
 * 4. CLI cold start (`warroom --help` against bare `node -e 0`, child processes,
 * interleaved) and the peak RSS of a replay run of the shipped 4-subtask
 * incident-response chain through the real CLI, read in the child by a
 * preloaded probe (`process.resourceUsage().maxRSS`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './stats.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cliMain = join(root, 'dist', 'cli', 'main.js');
const probe = pathToFileURL(fileURLToPath(new URL('./rss-probe.mjs', import.meta.url))).href;

/** @param {string[]} args */
function spawnNode(args, env = process.env) {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8' });
  const elapsed = performance.now() - started;
  if (result.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return elapsed;
}

/** @param {{ warmup: number, iterations: number }} rounds */
export function measureColdStart(rounds) {
  const help = [];
  const bare = [];
  for (let round = 0; round < rounds.warmup + rounds.iterations; round += 1) {
    const helpMs = spawnNode([cliMain, '--help']);
    const bareMs = spawnNode(['-e', '0']);
    if (round >= rounds.warmup) {
      help.push(helpMs);
      bare.push(bareMs);
    }
  }
  return { iterations: rounds.iterations, help: median(help), bare: median(bare) };
}

/** @param {{ iterations: number }} rounds */
export async function measureReplayRss(rounds) {
  const scratch = await mkdtemp(join(tmpdir(), 'warroom-bench-rss-'));
  const rssFile = join(scratch, 'max-rss');
  const env = { ...process.env, WARROOM_BENCH_RSS_FILE: rssFile };
  const readRss = async () => Number(await readFile(rssFile, 'utf8'));
  const replay = [];
  const walls = [];
  const bare = [];
  try {
    for (let round = 0; round < rounds.iterations; round += 1) {
      const args = [
        ...['--import', probe, cliMain, 'run-chain'],
        ...['--chain', join(root, 'chains', 'incident-response.md')],
        ...['--input', join(root, 'fixtures', 'incidents', 'db-pool-exhaustion.json')],
        ...['--provider', 'replay', '--fixtures', join(root, 'fixtures', 'replay')],
        ...['--out', join(scratch, `run-${round}`), '--quiet'],
      ];
      walls.push(spawnNode(args, env));
      replay.push(await readRss());
      spawnNode(['--import', probe, '-e', '0'], env);
      bare.push(await readRss());
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return {
    iterations: rounds.iterations,
    replayMiB: median(replay) / 1024,
    bareMiB: median(bare) / 1024,
    replayWallMs: median(walls),
  };
}
