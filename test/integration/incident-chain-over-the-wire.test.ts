/**
 * The incident-response chain end to end over each provider's real wire protocol:
 * the official SDK against a strict loopback server, streaming, with faults the
 * engine must retry through, a read tool that runs and a write tool that must be
 * refused, every exchange recorded — then the recording replayed offline to the
 * same report, with no secret left in anything written to disk.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/engine/retry-policy.js';
import {
  createRecordingProvider,
  createReplayProvider,
  createSchemaValidator,
  formatDiagnostic,
  loadChain,
  loadSchemaFile,
  type ModelOverrides,
  type ModelProvider,
  type PreparedChain,
  preflight,
  type RunChainResult,
  type RunEvent,
  readChainInput,
  readFixtureDirectory,
  recordedToolResults,
  runChain,
  type Tool,
  ToolRegistry,
} from '../../src/index.js';
import { fakeSecrets } from '../support/fake-secrets.js';
import {
  caseName,
  createProject,
  fakeGithubToken,
  filesUnder,
  handWrittenReplies,
  type Project,
  replyOf,
  subtaskOf,
} from './incident-project.js';
import {
  type Answer,
  type Fault,
  type Script,
  startWireBackend,
  type WireBackend,
  type WireProvider,
} from './wire-backends.js';

interface ProviderCase {
  provider: WireProvider;
  apiKey: string;
  overrides: ModelOverrides;
  /** Replay keeps the target the recording was made for. */
  replayOverrides: ModelOverrides;
  overloadedStatus: number;
}

const providerCases: ProviderCase[] = [
  {
    provider: 'anthropic',
    apiKey: fakeSecrets.anthropic('integration'),
    overrides: {},
    replayOverrides: { provider: 'replay' },
    overloadedStatus: 529,
  },
  {
    provider: 'openai',
    apiKey: fakeSecrets.openai('integration'),
    overrides: { provider: 'openai', modelId: 'gpt-4.1' },
    replayOverrides: { provider: 'replay', modelId: 'gpt-4.1' },
    overloadedStatus: 503,
  },
];

const lookupCall: Answer = {
  kind: 'tool-call',
  id: 'lookup_1',
  name: 'lookup_metric',
  input: { metric: 'pg_connections' },
};
const restartCall: Answer = {
  kind: 'tool-call',
  id: 'restart_1',
  name: 'restart_service',
  input: { service: 'checkout-api' },
};

/**
 * Subtasks 1 and 3 first ask for a tool, then answer once its result is in the
 * request; 2 and 4 answer at once. Faults are taken per phase, so each hits the
 * first attempt of its call whatever order requests arrive in.
 */
function incidentScript(replies: Map<number, string>): Script {
  const faults = new Map<string, Fault[]>([
    ['1/ask', ['rate-limit', 'overloaded']],
    ['1/answer', ['server-error']],
    ['2/answer', ['drop']],
  ]);
  return (request) => {
    const subtask = subtaskOf(request);
    if (subtask === undefined) return undefined;
    const asking = (subtask === 1 || subtask === 3) && request.toolResults.length === 0;
    const fault = faults.get(`${subtask}/${asking ? 'ask' : 'answer'}`)?.shift();
    const answer = !asking ? replyOf(replies, subtask) : subtask === 1 ? lookupCall : restartCall;
    return { ...(fault ? { fault } : {}), answer };
  };
}

interface ToolRuns {
  lookup: number;
  restart: number;
}

function incidentTools(runs: ToolRuns, live: boolean): ToolRegistry {
  const never = (name: string) => {
    throw new Error(`${name} ran during a replay`);
  };
  const lookup: Tool = {
    name: 'lookup_metric',
    description: 'Reads the current value of one Prometheus metric.',
    inputSchema: {
      type: 'object',
      properties: { metric: { type: 'string' } },
      required: ['metric'],
      additionalProperties: false,
    },
    effect: 'read',
    async run(input) {
      runs.lookup++;
      if (!live) never('lookup_metric');
      // Validated against the input schema before run: an object with a string metric.
      const { metric } = input as { metric: string };
      // The scrape config leaks a token into the result: it must not reach a fixture.
      return { metric, value: 397, scraped_by: fakeGithubToken };
    },
  };
  const restart: Tool = {
    name: 'restart_service',
    description: 'Restarts every pod of a service.',
    inputSchema: {
      type: 'object',
      properties: { service: { type: 'string' } },
      required: ['service'],
      additionalProperties: false,
    },
    effect: 'write',
    async run() {
      runs.restart++;
      if (!live) never('restart_service');
      return { restarted: true };
    },
  };
  return new ToolRegistry([lookup, restart]);
}

async function prepare(project: Project, tools: ToolRegistry): Promise<PreparedChain> {
  const parsed = await loadChain(project.chainFile);
  const input = await readChainInput(project.inputFile);
  const { diagnostics, prepared } = await preflight(parsed, { input, tools });
  if (!prepared) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
  return prepared;
}

async function readEvents(directory: string): Promise<RunEvent[]> {
  const text = await readFile(join(directory, 'events.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RunEvent);
}

async function readReport(directory: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(directory, 'report.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

const quietRun = {
  caseName,
  retryPolicy: { maxAttempts: 4 },
  sleep: async () => {},
  stream: true,
} as const;

describe.each(providerCases)('the incident chain over the $provider wire', (setup) => {
  let project: Project;
  let backend: WireBackend;
  let fixturesDir: string;
  let recorded: RunChainResult;
  let replayed: RunChainResult;
  let requestsWhenRecorded = 0;
  const liveRuns: ToolRuns = { lookup: 0, restart: 0 };
  const replayRuns: ToolRuns = { lookup: 0, restart: 0 };

  beforeAll(async () => {
    project = await createProject({
      personaTools: { sre: ['lookup_metric'], 'devops-engineer': ['restart_service'] },
      symptomSuffix: `The deploy bot token ${fakeGithubToken} was found in the pod env.`,
    });
    fixturesDir = join(project.root, 'recordings');
    backend = await startWireBackend(setup.provider, incidentScript(await handWrittenReplies()));
    try {
      const recording: ModelProvider = createRecordingProvider(
        backend.createProvider(setup.apiKey),
        { fixturesDir, provenance: 'recorded' },
      );
      const tools = incidentTools(liveRuns, true);
      recorded = await runChain({
        ...quietRun,
        prepared: await prepare(project, tools),
        providers: new Map([[setup.provider, recording]]),
        overrides: setup.overrides,
        home: join(project.root, '.warroom'),
        out: join(project.root, 'recorded-run'),
        tools,
        // The operator said no up front: the model is told, the run goes on.
        decisions: new Map([['3:restart_service', 'deny']]),
        random: seededRandom(1),
      });
      requestsWhenRecorded = backend.receivedCount();
    } finally {
      await backend.close();
    }
    const replayTools = incidentTools(replayRuns, false);
    replayed = await runChain({
      ...quietRun,
      prepared: await prepare(project, replayTools),
      providers: new Map([['replay', createReplayProvider({ fixturesDir })]]),
      overrides: setup.replayOverrides,
      home: join(project.root, '.warroom'),
      out: join(project.root, 'replayed-run'),
      tools: replayTools,
      recordedToolResults: recordedToolResults(await readFixtureDirectory(fixturesDir)),
      random: seededRandom(1),
    });
  }, 60_000);

  afterAll(() => project?.remove());

  it('records a successful run whose report.json matches the report schema, keeping every subtask output', async () => {
    expect(recorded.failures).toEqual([]);
    expect(recorded.status).toBe('succeeded');
    expect(await readdir(join(recorded.directory, 'outputs'))).toEqual([
      'subtask-1.json',
      'subtask-2.json',
      'subtask-3.json',
      'subtask-4.md',
    ]);
    const validator = createSchemaValidator();
    const schemaFile = join(project.root, 'schemas/incident-report.schema.json');
    expect((await loadSchemaFile(schemaFile, { validator, id: 'report' })).ok).toBe(true);
    const report = await readReport(recorded.directory);
    expect(validator.validate('report', report)).toEqual([]);
    expect(report).toMatchObject({ incident_id: 'INC-20251118-0142', status: 'monitoring' });
  });

  it('retries a 429 (honouring retry-after), an overload, a 500 and a dropped stream, then succeeds', async () => {
    const retries = (await readEvents(recorded.directory)).filter(
      (event) => event.type === 'model-retry',
    );
    expect(retries).toEqual([
      expect.objectContaining({ subtask: 1, turn: 1, attempt: 1, statusCode: 429, delayMs: 1000 }),
      expect.objectContaining({
        subtask: 1,
        turn: 1,
        attempt: 2,
        statusCode: setup.overloadedStatus,
      }),
      expect.objectContaining({ subtask: 1, turn: 2, attempt: 1, statusCode: 500 }),
      // A stream cut off mid-reply has no status code: only its reason tells.
      expect.objectContaining({
        subtask: 2,
        turn: 1,
        attempt: 1,
        reason: expect.stringMatching(/mid-(response|way)/),
      }),
    ]);
    expect(retries[3]).not.toHaveProperty('statusCode');
  });

  it('runs the allowed read tool and sends its result in the next request', async () => {
    const events = await readEvents(recorded.directory);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'tool-call',
        subtask: 1,
        tool: 'lookup_metric',
        status: 'ok',
        effect: 'read',
      }),
    );
    expect(liveRuns.lookup).toBe(1);
    const answered = backend.accepted.find(
      (request) => subtaskOf(request) === 1 && request.toolResults.length > 0,
    );
    expect(answered?.toolResults).toEqual([
      expect.objectContaining({
        toolCallId: expect.stringContaining('lookup_1'),
        content: expect.stringContaining('"value":397'),
        isError: false,
      }),
    ]);
  });

  it('refuses the write tool the operator denied, tells the model, and never runs it', async () => {
    const events = await readEvents(recorded.directory);
    const refused = events.find(
      (event) => event.type === 'tool-call' && event.tool === 'restart_service',
    );
    expect(refused).toMatchObject({ subtask: 3, status: 'refused', effect: 'write' });
    expect(refused && 'reason' in refused ? refused.reason : '').toContain(
      'the operator declined to run write tool restart_service',
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'decision', id: '3:restart_service', by: 'flag' }),
    );
    expect(liveRuns.restart).toBe(0);
    const told = backend.accepted.find(
      (request) => subtaskOf(request) === 3 && request.toolResults.length > 0,
    );
    expect(told?.toolResults).toEqual([
      expect.objectContaining({
        toolCallId: expect.stringContaining('restart_1'),
        content: expect.stringContaining('declined to run write tool restart_service'),
        isError: setup.provider === 'anthropic',
      }),
    ]);
  });

  it('sends only valid streaming wire requests, offering each persona only its own tools', () => {
    expect(backend.rejectedCount()).toBe(0);
    expect(backend.unexpected).toEqual([]);
    expect(backend.accepted.every((request) => request.stream)).toBe(true);
    // Three attempts and two for subtask 1's two turns, two for 2, one per turn of 3, one for 4.
    expect(backend.accepted.map(subtaskOf)).toEqual([1, 1, 1, 1, 1, 2, 2, 3, 3, 4]);
    const offered = (subtask: number) =>
      backend.accepted.find((request) => subtaskOf(request) === subtask)?.tools;
    expect([offered(1), offered(2), offered(3), offered(4)]).toEqual([
      ['lookup_metric'],
      [],
      ['restart_service'],
      ['lookup_metric'],
    ]);
  });

  it('puts token usage and cost in report.json', async () => {
    const { run } = (await readReport(recorded.directory)) as {
      run: { usage: Record<string, number>; cost_usd: number; unpriced_models?: string[] };
    };
    expect(run.usage.input_tokens).toBeGreaterThan(0);
    expect(run.usage.output_tokens).toBeGreaterThan(0);
    expect(run.cost_usd).toBeGreaterThan(0);
    expect(run.unpriced_models).toBeUndefined();
  });

  it('records one exchange per answered model call and none for failed attempts', async () => {
    const fixtures = [...(await readFixtureDirectory(fixturesDir)).values()];
    const labels = fixtures
      .flatMap((entry) => entry.exchanges.map(({ label }) => `${label.subtask}/${label.turn}`))
      .sort();
    expect(labels).toEqual(['1/1', '1/2', '2/1', '3/1', '3/2', '4/1']);
    expect(fixtures.every((entry) => entry.exchanges[0]?.provenance === 'recorded')).toBe(true);
  });

  it('replays the recording offline to the same report, tools played back, never run', async () => {
    expect(replayed.failures).toEqual([]);
    expect(replayed.status).toBe('succeeded');
    expect(backend.receivedCount()).toBe(requestsWhenRecorded);
    expect(replayRuns).toEqual({ lookup: 0, restart: 0 });
    const { run: _recordedRun, ...fromRecording } = await readReport(recorded.directory);
    const { run: _replayedRun, ...fromReplay } = await readReport(replayed.directory);
    expect(fromReplay).toEqual(fromRecording);
    const toolCalls = (await readEvents(replayed.directory)).filter(
      (event) => event.type === 'tool-call',
    );
    expect(toolCalls.map((event) => 'status' in event && event.status)).toEqual(['ok', 'refused']);
  });

  it('writes neither the API key nor the GitHub token to fixtures, run logs or reports', async () => {
    // The token really was sent, so its absence below is redaction, not luck.
    expect(backend.accepted[0]?.firstUserText).toContain(fakeGithubToken);
    const runFiles = [recorded.directory, replayed.directory].flatMap((directory) =>
      ['events.jsonl', 'report.json', 'report.md'].map((name) => join(directory, name)),
    );
    const files = [...(await filesUnder(fixturesDir)), ...runFiles];
    expect(files.length).toBeGreaterThan(runFiles.length);
    const leaks: string[] = [];
    let redacted = 0;
    for (const file of files) {
      const bytes = await readFile(file);
      for (const secret of [setup.apiKey, fakeGithubToken]) {
        if (bytes.includes(secret)) leaks.push(`${file}: ${secret.slice(0, 8)}…`);
      }
      if (bytes.includes('[REDACTED:github-token]')) redacted++;
    }
    expect(leaks).toEqual([]);
    expect(redacted).toBeGreaterThan(0);
  });
});
