// @ts-check
/**
 * 1. Orchestration overhead per subtask at zero model latency, on the 4-subtask
 * incident chain, like with like: warroom with its durable run log (events,
 * outputs, run.json and report on disk, synced at checkpoints) against
 * LangGraph.js with a MemorySaver checkpointer, and warroom with its run
 * directory in memory against LangGraph.js without a checkpointer (when the
 * build can keep a run in memory; else that row says so). warroom's run log on
 * tmpfs separates the disk's cost from the engine's. Before timing, one run of
 * each side must send the same prompts and produce the same report, so the
 * comparison is of the same work.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { buildLangGraphChain } from './langgraph-chain.mjs';
import { createSimulatedProvider } from './simulated-model.mjs';
import { interleaved } from './stats.mjs';
import { fileSystemOf, memoryRunDirectory, tmpfsHome, warroomRunner } from './warroom-run.mjs';
import { benchProviderId, incidentChain } from './workspace.mjs';

/**
 * @template T
 * @param {import('./simulated-model.mjs').SimulatedProvider} provider
 * @param {() => Promise<T>} run
 */
async function promptsOf(provider, run) {
  provider.calls.length = 0;
  provider.record = true;
  const result = await run();
  provider.record = false;
  const prompts = [...provider.calls]
    .sort((a, b) => a.subtask - b.subtask)
    .map(({ subtask, system, prompt }) => ({ subtask, system, prompt }));
  return { prompts, result };
}

/** @param {unknown} value */
const canonical = (value) => JSON.stringify(value);

/**
 * @param {import('./workspace.mjs').Workspace} workspace
 * @param {{ warmup: number, iterations: number }} rounds
 */
export async function measureOverhead(workspace, rounds) {
  const prepared = await workspace.prepare(incidentChain);
  const provider = createSimulatedProvider({ id: benchProviderId, reply: incidentChain.reply });
  const diskHome = join(workspace.root, '.warroom');
  const memoryHome = await tmpfsHome();
  const warroom = warroomRunner(prepared, provider, diskHome);
  const withSaver = buildLangGraphChain(prepared, { model: provider.model, checkpointer: true });
  const plain = buildLangGraphChain(prepared, { model: provider.model, checkpointer: false });

  const ours = await promptsOf(provider, warroom);
  const theirs = await promptsOf(provider, () => withSaver.invoke());
  if (canonical(ours.prompts) !== canonical(theirs.prompts)) {
    throw new Error('warroom and LangGraph.js sent different prompts: the comparison is off');
  }
  const { run: _metrics, ...ourReport } = ours.result.report ?? {};
  const sameReport = canonical(ourReport) === canonical(theirs.result);

  /** @type {Record<string, () => Promise<unknown>>} */
  const variants = {
    warroom: warroom,
    langgraphSaver: () => withSaver.invoke(),
    langgraphPlain: () => plain.invoke(),
  };
  if (memoryHome) variants.warroomTmpfs = warroomRunner(prepared, provider, memoryHome);
  const inMemory = await memoryRunDirectory(prepared, provider);
  if (inMemory) {
    variants.warroomMemory = warroomRunner(prepared, provider, diskHome, undefined, inMemory);
  }
  const timings = await interleaved(variants, rounds);
  await rm(diskHome, { recursive: true, force: true });
  if (memoryHome) await rm(memoryHome, { recursive: true, force: true });

  const subtasks = prepared.subtasks.size;
  /** @param {string} name */
  const perSubtask = (name) => (timings[name]?.median ?? Number.NaN) / subtasks;
  return {
    subtasks,
    iterations: rounds.iterations,
    sameReport,
    diskFileSystem: fileSystemOf(workspace.root),
    warroom: perSubtask('warroom'),
    warroomTmpfs: memoryHome ? perSubtask('warroomTmpfs') : undefined,
    warroomMemory: inMemory ? perSubtask('warroomMemory') : undefined,
    langgraphSaver: perSubtask('langgraphSaver'),
    langgraphPlain: perSubtask('langgraphPlain'),
  };
}
