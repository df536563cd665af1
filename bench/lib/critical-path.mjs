// @ts-check
/**
 * 2. Critical-path latency on a DAG with parallel branches at a simulated model
 * latency (C is slower): wall time over the critical path for warroom (each
 * subtask starts the moment its own dependencies finish) and for LangGraph.js
 * with MemorySaver (a superstep ends when its slowest node does, so E and F,
 * which need only B, wait for C).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { buildLangGraphChain } from './langgraph-chain.mjs';
import { createSimulatedProvider } from './simulated-model.mjs';
import { median } from './stats.mjs';
import { memoryRunDirectory, tmpfsHome, warroomRunner } from './warroom-run.mjs';
import { benchProviderId, dagChain } from './workspace.mjs';

/**
 * The longest path through the dependency graph, in simulated model time.
 * @param {import('../../dist/index.js').PreparedChain} prepared
 * @param {(subtask: number) => number} latencyMs
 */
function criticalPathMs(prepared, latencyMs) {
  /** @type {Map<number, number>} */
  const finish = new Map();
  for (const number of prepared.graph.order) {
    const dependencies = prepared.subtasks.get(number)?.dependencies ?? [];
    const ready = Math.max(0, ...dependencies.map((dependency) => finish.get(dependency) ?? 0));
    finish.set(number, ready + latencyMs(number));
  }
  return { total: Math.max(...finish.values()), finish };
}

/**
 * @param {import('./workspace.mjs').Workspace} workspace
 * @param {{ latencyMs: number, slowMs: number, slowSubtask: number, iterations: number }} settings
 */
export async function measureCriticalPath(workspace, settings) {
  const prepared = await workspace.prepare(dagChain);
  /** @param {number} subtask */
  const latencyMs = (subtask) =>
    subtask === settings.slowSubtask ? settings.slowMs : settings.latencyMs;
  const provider = createSimulatedProvider({
    id: benchProviderId,
    reply: dagChain.reply,
    latencyMs,
  });
  provider.record = true;
  const home = join(workspace.root, '.warroom-dag');
  const langgraph = buildLangGraphChain(prepared, { model: provider.model, checkpointer: true });
  const memoryHome = await tmpfsHome();
  /** @type {Record<string, () => Promise<unknown>>} */
  const variants = {
    warroom: warroomRunner(prepared, provider, home),
    langgraph: langgraph.invoke,
  };
  if (memoryHome) variants.warroomTmpfs = warroomRunner(prepared, provider, memoryHome);
  const inMemory = await memoryRunDirectory(prepared, provider);
  if (inMemory)
    variants.warroomMemory = warroomRunner(prepared, provider, home, undefined, inMemory);
  /** @type {Record<string, Array<{ wall: number, finish: Map<number, number> }>>} */
  const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let round = 0; round <= settings.iterations; round += 1) {
    for (const [name, run] of Object.entries(variants)) {
      provider.calls.length = 0;
      const started = performance.now();
      await run();
      const wall = performance.now() - started;
      const finish = new Map(
        provider.calls.map((call) => [call.subtask, call.repliedAt - started]),
      );
      // Round 0 warms up.
      if (round > 0) samples[name]?.push({ wall, finish });
    }
  }
  await rm(home, { recursive: true, force: true });
  if (memoryHome) await rm(memoryHome, { recursive: true, force: true });
  const critical = criticalPathMs(prepared, latencyMs);
  /** @param {string} name */
  const summary = (name) => {
    const runs = samples[name] ?? [];
    /** @param {number} subtask */
    const finishOf = (subtask) => median(runs.map((run) => run.finish.get(subtask) ?? Number.NaN));
    const wall = median(runs.map((run) => run.wall));
    return { wall, ratio: wall / critical.total, finishOf };
  };
  return {
    critical,
    iterations: settings.iterations,
    settings,
    warroom: summary('warroom'),
    langgraph: summary('langgraph'),
    warroomTmpfs: memoryHome ? summary('warroomTmpfs') : undefined,
    warroomMemory: inMemory ? summary('warroomMemory') : undefined,
  };
}
