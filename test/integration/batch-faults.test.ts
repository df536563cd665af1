/**
 * A batch of 50 incidents through one chain over the Anthropic wire, with faults
 * injected at a 30% rate (seeded), and a server that enforces requests per minute:
 * every incident finishes, and the client-side limiter keeps the batch under the
 * limit (the server never has to answer 429 for it).
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderRateLimiter, withRateLimit } from '../../src/engine/rate-limiter.js';
import { seededRandom } from '../../src/engine/retry-policy.js';
import { runBatch } from '../../src/engine/run-batch.js';
import { type ChainInput, loadChain, type ModelProvider } from '../../src/index.js';
import { fakeSecrets } from '../support/fake-secrets.js';
import {
  createProject,
  handWrittenReplies,
  type Project,
  replyOf,
  subtaskOf,
} from './incident-project.js';
import { type Fault, startWireBackend, type WireBackend } from './wire-backends.js';

const perMinute = 120;
const incidents = 50;

/** Virtual time shared by the limiter and the server's own bucket: no real waiting. */
const clock = {
  time: 0,
  now: () => clock.time,
  sleep: async (ms: number) => {
    clock.time += ms;
  },
};

let project: Project;
let backend: WireBackend;
let enforced429 = 0;
let injected = 0;

beforeAll(async () => {
  project = await createProject();
  const replies = await handWrittenReplies();
  const random = seededRandom(42);
  const faults: Fault[] = ['overloaded', 'server-error', 'drop'];
  // The provider's side: a bucket of `perMinute` requests refilled continuously.
  let tokens = perMinute;
  let updated = 0;
  backend = await startWireBackend('anthropic', (request) => {
    const subtask = subtaskOf(request);
    if (subtask === undefined) return undefined;
    tokens = Math.min(perMinute, tokens + ((clock.now() - updated) * perMinute) / 60_000);
    updated = clock.now();
    if (tokens < 1) {
      enforced429++;
      return { fault: 'rate-limit', answer: replyOf(replies, subtask) };
    }
    tokens -= 1;
    if (random() < 0.3) {
      injected++;
      return {
        fault: faults[Math.floor(random() * faults.length)] as Fault,
        answer: replyOf(replies, subtask),
      };
    }
    return { answer: replyOf(replies, subtask) };
  });
}, 60_000);

afterAll(async () => {
  await backend?.close();
  await project?.remove();
});

describe('a batch of incidents with faults injected', () => {
  it('finishes all 50 within the provider limit, retrying the faults', async () => {
    const template = JSON.parse(await readFile(project.inputFile, 'utf8')) as Record<
      string,
      unknown
    >;
    const items = Array.from({ length: incidents }, (_, index) => {
      const value = { ...template, incident_id: `INC-BATCH-${String(index + 1).padStart(3, '0')}` };
      const text = JSON.stringify(value, null, 2);
      const input: ChainInput = {
        value: value as ChainInput['value'],
        file: `incident-${index + 1}.json`,
        text,
        line: 1,
      };
      return { input, name: `incident-${index + 1}` };
    });
    const limiter = new ProviderRateLimiter(
      { requestsPerMinute: perMinute, concurrency: 4 },
      clock,
    );
    const base = backend.createProvider(fakeSecrets.anthropic('batch'));
    const provider: ModelProvider = {
      ...base,
      languageModel: (target) => withRateLimit(base.languageModel(target), limiter),
    };
    const outcomes = await runBatch({
      parsed: await loadChain(project.chainFile),
      items,
      providers: new Map([['anthropic', provider]]),
      home: project.root,
      incidents: 4,
      retryPolicy: { maxAttempts: 8 },
      sleep: async () => {},
      random: seededRandom(7),
    });
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(incidents).fill('succeeded'));
    expect(injected).toBeGreaterThan(30);
    expect(enforced429).toBe(0);
    // 200 successful calls plus the retried faults, at 120/min after the first minute's burst.
    expect(clock.now()).toBeGreaterThan(60_000);
  });
});
