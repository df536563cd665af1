// @ts-check
/**
 * warroom's benchmark: `npm run build && node bench/run.mjs`.
 *
 * Measures, side by side in this one process, warroom against LangGraph.js on
 * the same chains and the same simulated model, then the CLI's cold start and
 * memory in child processes, then a batch's throughput against a loopback server
 * enforcing a provider's rate limit. Prints a Markdown table and writes it, with the
 * date, Node version and machine, to bench/results.md. Not a test: nothing here
 * runs under vitest or CI, and no figure gates anything.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { measureColdStart, measureReplayRss } from './lib/cli-startup.mjs';
import { measureCriticalPath } from './lib/critical-path.mjs';
import { measureOverhead } from './lib/overhead.mjs';
import { loadAverage, machine, markdownTable, resultsMarkdown } from './lib/report.mjs';
import { measureScaling } from './lib/scaling.mjs';
import { measureThroughput } from './lib/throughput.mjs';
import { createWorkspace } from './lib/workspace.mjs';

const resultsFile = fileURLToPath(new URL('./results.md', import.meta.url));

/** @param {string} message */
const progress = (message) => process.stderr.write(`bench: ${message}\n`);

const started = performance.now();
const loadStart = loadAverage();
const workspace = await createWorkspace();
try {
  progress('1/5 overhead per subtask (incident chain, 0 ms latency)…');
  const overhead = await measureOverhead(workspace, { warmup: 15, iterations: 40 });
  progress('2/5 critical path (DAG, 200 ms latency)…');
  const dag = await measureCriticalPath(workspace, {
    latencyMs: 200,
    slowMs: 400,
    slowSubtask: 3,
    iterations: 5,
  });
  progress('3/5 per-step overhead at 1, 10, 100, 1,000 subtasks…');
  const scaling = await measureScaling(workspace, [
    { count: 1, warmup: 10, iterations: 40 },
    { count: 10, warmup: 5, iterations: 20 },
    { count: 100, warmup: 1, iterations: 5 },
    { count: 1000, warmup: 1, iterations: 3 },
  ]);
  progress('4/5 CLI cold start and replay-run RSS…');
  const coldStart = measureColdStart({ warmup: 2, iterations: 10 });
  const rss = await measureReplayRss({ iterations: 3 });
  progress('5/5 throughput: 200 incidents against 600 requests/min (two batches, ~35 s)…');
  const throughputSettings = {
    incidents: 200,
    requestsPerMinute: 600,
    serverBurst: 10,
    incidentsInFlight: 4,
  };
  const throughput = await measureThroughput(workspace, {
    ...throughputSettings,
    clientLimits: { requestsPerMinute: 600, burst: 5 },
  });
  const throughputMinuteBurst = await measureThroughput(workspace, {
    ...throughputSettings,
    clientLimits: { requestsPerMinute: 600 },
  });

  const figures = { overhead, dag, scaling, coldStart, rss, throughput, throughputMinuteBurst };
  const elapsedMs = performance.now() - started;
  process.stdout.write(`${markdownTable(figures)}\n`);
  await writeFile(resultsFile, resultsMarkdown(figures, machine(loadStart), elapsedMs));
  progress(`done in ${(elapsedMs / 1000).toFixed(1)} s; written to bench/results.md`);
} finally {
  await workspace.remove();
}
