/**
 * The replay provider: answers every call from recorded fixtures, never the network.
 * Keys use the target the subtask asked for (say anthropic/claude-…), so a run
 * recorded against a real provider replays under `--provider replay` unchanged.
 */
import {
  createRedactor,
  type FixtureSet,
  keyedRequest,
  type Redactor,
  readFixtureDirectory,
} from '../../fixture/index.js';
import { raceAbort, throwIfAborted } from '../abort.js';
import { createPlaybackProvider } from '../playback-provider.js';
import type { CallOptions, GenerateResult, ModelProvider, ModelTarget } from '../spec.js';
import { fixtureExhaustedError, fixtureMissError } from './fixture-miss-error.js';

export interface ReplayProviderOptions {
  fixturesDir: string;
  /**
   * Must redact like the recorder did, or a prompt holding a secret keys differently.
   * Defaults to the built-in patterns plus secret-named variables of `process.env`.
   */
  redactor?: Redactor;
}

export function createReplayProvider(options: ReplayProviderOptions): ModelProvider {
  const redactor = options.redactor ?? createRedactor({ env: process.env });
  let loading: Promise<FixtureSet> | undefined;
  const load = (): Promise<FixtureSet> => {
    loading ??= readFixtureDirectory(options.fixturesDir);
    return loading;
  };
  // One cursor per key: the i-th identical call replays the i-th exchange.
  const cursors = new Map<string, number>();

  const answer = async (target: ModelTarget, call: CallOptions): Promise<GenerateResult> => {
    const fixtures = await raceAbort(load(), call.abortSignal);
    throwIfAborted(call.abortSignal);
    const { request, key } = keyedRequest(target, call, redactor);
    const missed = { fixturesDir: options.fixturesDir, key, request, label: call.callLabel };
    const entry = fixtures.get(key);
    if (entry === undefined) throw fixtureMissError(missed, fixtures);
    // Taken synchronously after the await, so concurrent identical calls get distinct exchanges.
    const index = cursors.get(key) ?? 0;
    const exchange = entry.exchanges[index];
    if (exchange === undefined) throw fixtureExhaustedError(missed, entry);
    cursors.set(key, index + 1);
    // A copy: the engine may keep or mutate results; the fixture set must stay as recorded.
    const { content, finishReason, usage, response } = structuredClone(exchange.response);
    return { content, finishReason, usage, warnings: [], response };
  };

  return createPlaybackProvider('replay', answer);
}
