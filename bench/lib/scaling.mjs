// @ts-check
/**
 * 3. Per-step overhead of a linear chain at zero model latency, at 1, 10, 100
 * and 1,000 subtasks (generated chain Markdown). Besides ms per step for each
 * length, the 1,000-step run is split by step index: the median time between
 * consecutive subtask-end events over steps 2–100 against steps 901–1,000 shows
 * whether a step's cost grows with its position (a median, because single fsyncs
 * on a shared disk spike).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createSimulatedProvider } from './simulated-model.mjs';
import { median } from './stats.mjs';
import { warroomRunner } from './warroom-run.mjs';
import { benchProviderId, linearChain } from './workspace.mjs';

/**
 * The median time from one subtask's end to the next one's, over steps first..last.
 * @param {Map<number, number>} ends
 * @param {number} first
 * @param {number} last
 */
function stepDurations(ends, first, last) {
  const durations = [];
  for (let step = first; step <= last; step += 1) {
    durations.push((ends.get(step) ?? Number.NaN) - (ends.get(step - 1) ?? Number.NaN));
  }
  return median(durations);
}

/**
 * @param {import('./workspace.mjs').Workspace} workspace
 * @param {Array<{ count: number, warmup: number, iterations: number }>} plans
 */
export async function measureScaling(workspace, plans) {
  const results = [];
  for (const plan of plans) {
    const source = linearChain(plan.count);
    const preflightStarted = performance.now();
    const prepared = await workspace.prepare(source);
    const preflightMs = performance.now() - preflightStarted;
    const provider = createSimulatedProvider({ id: benchProviderId, reply: source.reply });
    const home = join(workspace.root, `.warroom-linear-${plan.count}`);
    /** @type {Map<number, number>} */
    let ends = new Map();
    const run = warroomRunner(prepared, provider, home, (event) => {
      if (event.type === 'subtask-end') ends.set(event.subtask, performance.now());
    });
    for (let round = 0; round < plan.warmup; round += 1) await run();
    const walls = [];
    const early = [];
    const late = [];
    for (let round = 0; round < plan.iterations; round += 1) {
      ends = new Map();
      const started = performance.now();
      await run();
      walls.push(performance.now() - started);
      if (plan.count >= 1000) {
        early.push(stepDurations(ends, 2, 100));
        late.push(stepDurations(ends, plan.count - 99, plan.count));
      }
    }
    await rm(home, { recursive: true, force: true });
    results.push({
      count: plan.count,
      iterations: plan.iterations,
      preflightMs,
      perStep: median(walls) / plan.count,
      ...(early.length > 0 ? { earlyPerStep: median(early), latePerStep: median(late) } : {}),
    });
  }
  return results;
}
