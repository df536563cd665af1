// @ts-check
/**
 * A simulated model provider implementing warroom's provider spec (v1): it
 * answers each call from canned replies after `latencyMs(subtask)`. At zero
 * latency it answers without a timer (a 0 ms setTimeout still costs ~1 ms of
 * timer granularity, which would swamp the overhead being measured). The same
 * instance serves warroom (through runChain) and the LangGraph.js nodes (which
 * call `doGenerate` directly), so both sides pay exactly the same model cost.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * @typedef {import('../../dist/index.js').CallOptions} CallOptions
 * @typedef {import('../../dist/index.js').GenerateResult} GenerateResult
 * @typedef {import('../../dist/index.js').LanguageModel} LanguageModel
 * @typedef {import('../../dist/index.js').ModelProvider} ModelProvider
 */

/**
 * @typedef {object} SimulatedCall
 * @property {number} subtask
 * @property {number} startedAt performance.now() when the call arrived
 * @property {number} repliedAt performance.now() when the reply was ready
 * @property {string} system
 * @property {string} prompt the last user message's text
 */

/**
 * @typedef {ModelProvider & {
 *   calls: SimulatedCall[];
 *   model: LanguageModel;
 *   record: boolean;
 * }} SimulatedProvider
 */

/** @param {CallOptions} options */
function promptOf(options) {
  const user = options.messages.filter((message) => message.role === 'user').at(-1);
  return user ? user.content.map((part) => part.text).join('') : '';
}

/** @param {CallOptions} options */
function systemOf(options) {
  if (options.system !== undefined) return options.system;
  const system = options.messages.find((message) => message.role === 'system');
  return system ? system.content : '';
}

/**
 * @param {object} options
 * @param {string} options.id the provider id the bench persona names
 * @param {(subtask: number) => string} options.reply
 * @param {(subtask: number) => number} [options.latencyMs]
 * @returns {SimulatedProvider}
 */
export function createSimulatedProvider({ id, reply, latencyMs = () => 0 }) {
  /** @type {SimulatedCall[]} */
  const calls = [];
  /** @type {SimulatedProvider} */
  const provider = {
    specificationVersion: 'v1',
    id,
    calls,
    /** Set to keep every call (timeline and prompts); off while timing overhead. */
    record: false,
    languageModel: () => model,
    model: /** @type {LanguageModel} */ (/** @type {unknown} */ (undefined)),
  };

  /**
   * @param {CallOptions} options
   * @returns {Promise<GenerateResult>}
   */
  async function doGenerate(options) {
    const startedAt = performance.now();
    const subtask = options.callLabel?.subtask ?? 0;
    const delay = latencyMs(subtask);
    if (delay > 0) await sleep(delay, undefined, { signal: options.abortSignal });
    const text = reply(subtask);
    if (provider.record) {
      calls.push({
        subtask,
        startedAt,
        repliedAt: performance.now(),
        system: systemOf(options),
        prompt: promptOf(options),
      });
    }
    return {
      content: [{ type: 'text', text }],
      finishReason: { unified: 'stop', raw: 'end_turn' },
      usage: { inputTokens: 100, outputTokens: 20 },
      warnings: [],
      response: { id: `sim_${subtask}` },
    };
  }

  /** @type {LanguageModel} */
  const model = {
    specificationVersion: 'v1',
    provider: id,
    modelId: 'simulated-1',
    doGenerate,
    async *doStream(options) {
      yield { type: 'finish', result: await doGenerate(options) };
    },
  };
  provider.model = model;
  return provider;
}
