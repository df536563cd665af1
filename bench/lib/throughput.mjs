// @ts-check
/**
 * 5. Throughput against a provider's rate limit: a batch of incidents (one request
 * each: the triage chain) through warroom's batch runner (`runBatch`, what
 * `warroom run-chain --input <dir|file.jsonl>` uses, at its default of 4 incidents
 * in flight) and the real `openai` SDK provider, against a loopback server that
 * enforces 600 requests/min as a token bucket refilled at 10/s holding 10 (see
 * rate-limited-openai-server.mjs). The client side is warroom's limiter
 * (`withProviderLimits`), configured as the config file's `providers.openai` would be.
 *
 * Burst. A bucket that starts full lets its first requests through at once, which
 * would flatter a short run; so the headline figure leaves the client's burst out:
 * (requests − burst) ÷ elapsed (batch start to last incident done), against the
 * limit's 10/s. The server's own view, its steady-state rate (arrivals after the
 * first 2 s ÷ the time they spanned), is reported too.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createOpenAIProvider, loadChain, runBatch, withProviderLimits } from '../../dist/index.js';
import { startRateLimitedOpenAIServer } from './rate-limited-openai-server.mjs';
import { triageChain } from './workspace.mjs';

/**
 * @typedef {object} ThroughputSettings
 * @property {number} incidents
 * @property {number} requestsPerMinute
 * @property {number} serverBurst requests the server's bucket holds
 * @property {import('../../dist/index.js').ProviderLimits} clientLimits
 * @property {number} incidentsInFlight runBatch's `incidents`
 */

/**
 * @param {import('./workspace.mjs').Workspace} workspace
 * @param {ThroughputSettings} settings
 */
export async function measureThroughput(workspace, settings) {
  const chainFile = await workspace.writeChain(triageChain);
  const reply = triageChain.reply(1);
  const server = await startRateLimitedOpenAIServer({
    requestsPerMinute: settings.requestsPerMinute,
    burst: settings.serverBurst,
    reply: () => reply,
  });
  const home = join(
    workspace.root,
    `.warroom-throughput-${settings.clientLimits.burst ?? 'minute'}`,
  );
  try {
    const openai = createOpenAIProvider({ baseURL: server.baseURL, apiKey: 'sk-bench', env: {} });
    const limited = withProviderLimits(openai, settings.clientLimits);
    const items = Array.from({ length: settings.incidents }, (_, index) => {
      const value = { ...triageChain.input, incident_id: `INC-BENCH-${index + 1}` };
      const text = JSON.stringify(value);
      return {
        input: { value, file: `incidents.jsonl:${index + 1}`, text, line: index + 1 },
        name: `incidents-${index + 1}`,
      };
    });
    const parsed = await loadChain(chainFile);
    const started = performance.now();
    const outcomes = await runBatch({
      parsed,
      items: /** @type {import('../../dist/index.js').BatchItem[]} */ (items),
      providers: new Map([['openai', limited]]),
      overrides: { provider: 'openai', modelId: 'gpt-4o-mini' },
      home,
      incidents: settings.incidentsInFlight,
    });
    const elapsedMs = performance.now() - started;
    const succeeded = outcomes.filter((outcome) => outcome.status === 'succeeded').length;
    const limitPerSecond = settings.requestsPerMinute / 60;
    const accepted = [...server.accepted].sort((a, b) => a - b);
    // The client's own burst goes out at once; leave it out of the headline rate.
    const clientBurst = Math.min(
      settings.clientLimits.burst ?? settings.requestsPerMinute,
      settings.serverBurst,
      accepted.length,
    );
    const afterBurstPerSecond = ((accepted.length - clientBurst) * 1000) / elapsedMs;
    // The server's view once the start is behind: arrivals after the first 2 s' worth.
    const skip = Math.round(2 * limitPerSecond);
    const steadyPerSecond =
      accepted.length > skip + 1
        ? ((accepted.length - skip - 1) * 1000) /
          ((accepted.at(-1) ?? Number.NaN) - (accepted[skip] ?? Number.NaN))
        : Number.NaN;
    return {
      ...settings,
      firstRequestMs: (accepted[0] ?? Number.NaN) - started,
      afterLastRequestMs: started + elapsedMs - (accepted.at(-1) ?? Number.NaN),
      succeeded,
      failed: outcomes.length - succeeded,
      requests: accepted.length,
      limited: server.limited.length,
      rejected: server.rejected.length,
      rejections: [...new Set(server.rejected)].slice(0, 3),
      elapsedMs,
      limitPerSecond,
      perSecond: (succeeded * 1000) / elapsedMs,
      afterBurstPerSecond,
      ratio: afterBurstPerSecond / limitPerSecond,
      steadyPerSecond,
      steadyRatio: steadyPerSecond / limitPerSecond,
    };
  } finally {
    await server.close();
    await rm(home, { recursive: true, force: true });
  }
}
