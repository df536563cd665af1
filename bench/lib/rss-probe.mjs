// @ts-check
/**
 * Preloaded with `node --import` into a child process: when the child exits, its
 * peak resident set size (`process.resourceUsage().maxRSS`, in KiB) is written
 * to the file named by WARROOM_BENCH_RSS_FILE. An exit handler runs even when
 * the CLI ends with process.exitCode or process.exit.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.WARROOM_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS));
  });
}
