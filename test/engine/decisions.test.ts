/**
 * Human decision points and write approvals: answered by --decide, by a person, or
 * the run stops `awaiting-decision` and a resume with the answer goes on from there —
 * without calling a model again for finished work or running a tool twice.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  checkDecisionFlags,
  type DecisionRequest,
  loadChain,
  type PreparedChain,
  preflight,
  resumeRun,
  runChain,
  type Tool,
  ToolRegistry,
} from '../../src/index.js';
import { ProviderCallError } from '../../src/provider/errors.js';
import {
  createWorkspace,
  goodReplies,
  prepareChain,
  readEvents,
  readJson,
  runDag,
  scriptedProviders,
  steppingClock,
  type Workspace,
} from './dag-chain.js';
import { prepareMinimalChain, restartServiceTool } from './minimal-project.js';
import {
  createScriptedModel,
  lastUserText,
  type Script,
  textResult,
  toolCallResult,
} from './scripted-model.js';

let workspace: Workspace | undefined;
afterEach(() => workspace?.remove());

const staticOptions = `subtasks:
  3:
    decision:
      question: Which recovery strategy?
      options:
        - { id: rollback, risk: low, description: revert v3.42.0 }
        - { id: hotfix, risk: medium }
        - mitigate
`;

/** The DAG chain with subtask 3 as a decision point and the post-mortem quoting the choice. */
async function decisionChain(frontMatter = staticOptions): Promise<PreparedChain> {
  workspace = await createWorkspace(frontMatter);
  const source = await readFile(workspace.chainFile, 'utf8');
  await writeFile(
    workspace.chainFile,
    source.replace(
      'POSTMORTEM: cause {{subtask_3_output.cause}};',
      'POSTMORTEM: cause {{subtask_3_output.cause}}; chosen {{subtask_3_decision.id}} ({{default subtask_3_decision.risk "risk not given"}});',
    ),
  );
  return prepareChain(workspace.chainFile);
}

const answerAll: Script = (call) => goodReplies[call.subtask];

describe('decision points', () => {
  it('stops awaiting a decision, then a resume with --decide goes on without re-calling finished subtasks', async () => {
    const prepared = await decisionChain();
    const space = workspace as Workspace;
    const first = createScriptedModel('scripted', answerAll);
    const stopped = await runDag(prepared, space, first);

    expect(stopped.status).toBe('awaiting-decision');
    expect(first.calls.map((call) => call.subtask).sort()).toEqual([1, 2, 3]);
    expect(stopped.awaiting).toEqual([
      expect.objectContaining({ id: '3', kind: 'choice', question: 'Which recovery strategy?' }),
    ]);
    const record = (await readJson(join(stopped.directory, 'run.json'))) as Record<string, unknown>;
    expect(record.status).toBe('awaiting-decision');
    expect(record.awaiting).toEqual([
      {
        decision: '3',
        question: 'Which recovery strategy?',
        options: ['rollback', 'hotfix', 'mitigate'],
      },
    ]);
    const events = await readEvents(stopped.directory);
    expect(events.at(-1)).toMatchObject({
      type: 'run-end',
      status: 'awaiting-decision',
      reason: expect.stringContaining('--decide 3=<rollback|hotfix|mitigate>'),
    });

    const second = createScriptedModel('scripted', answerAll);
    const resumed = await resumeRun({
      directory: stopped.directory,
      providers: scriptedProviders(second),
      home: space.home,
      clock: steppingClock('2025-03-01T13:00:00Z'),
      decisions: new Map([['3', 'hotfix']]),
    });
    expect(resumed.status).toBe('succeeded');
    // Only the post-mortem runs: 1–3 are done, and the decision was all 4 waited for.
    expect(second.calls.map((call) => call.subtask)).toEqual([4]);
    expect(lastUserText(second.calls[0] as never)).toContain('chosen hotfix (medium);');
    const report = (await readJson(join(resumed.directory, 'report.json'))) as Record<
      string,
      unknown
    >;
    expect(report.decisions).toEqual([
      {
        subtask: 3,
        kind: 'choice',
        question: 'Which recovery strategy?',
        chosen: 'hotfix',
        by: 'flag',
      },
    ]);
    const markdown = await readFile(join(resumed.directory, 'report.md'), 'utf8');
    expect(markdown).toContain(
      '## Decisions\n\n- Subtask 3: Which recovery strategy? **hotfix** (--decide)',
    );
    const log = await readEvents(resumed.directory);
    expect(log).toContainEqual(
      expect.objectContaining({
        type: 'decision',
        id: '3',
        option: { id: 'hotfix', risk: 'medium' },
      }),
    );
  });

  it('keeps an answer across resumes: a later resume does not ask again', async () => {
    const prepared = await decisionChain();
    const space = workspace as Workspace;
    const stopped = await runDag(prepared, space, createScriptedModel('scripted', answerAll));
    // Answered, then the post-mortem fails: the run stops as failed.
    const failed = await resumeRun({
      directory: stopped.directory,
      providers: scriptedProviders(
        createScriptedModel('scripted', (call) => (call.subtask === 4 ? '' : answerAll(call))),
      ),
      home: space.home,
      decisions: new Map([['3', 'hotfix']]),
    });
    expect(failed.status).toBe('failed');
    const asked: string[] = [];
    const model = createScriptedModel('scripted', answerAll);
    const finished = await resumeRun({
      directory: stopped.directory,
      providers: scriptedProviders(model),
      home: space.home,
      decide: async (request) => {
        asked.push(request.id);
        return 'rollback';
      },
    });
    expect(finished.status).toBe('succeeded');
    expect(asked).toEqual([]);
    expect(lastUserText(model.calls[0] as never)).toContain('chosen hotfix');
    expect(finished.report?.decisions).toEqual([expect.objectContaining({ chosen: 'hotfix' })]);
  });

  it('does not call a run succeeded while a decision is open, even with nothing after it', async () => {
    const prepared = await decisionChain(
      `${staticOptions}  4:\n    decision: { options: [publish, hold] }\n`,
    );
    const result = await runDag(
      prepared,
      workspace as Workspace,
      createScriptedModel('s', answerAll),
      {
        decisions: new Map([['3', 'rollback']]),
      },
    );
    expect(result.status).toBe('awaiting-decision');
    expect(result.awaiting.map((request) => request.id)).toEqual(['4']);
    expect(result.reportFiles).toBeUndefined();
  });

  it('takes --decide given up front, and asks a person when there is one', async () => {
    const prepared = await decisionChain();
    const space = workspace as Workspace;
    const flagged = createScriptedModel('scripted', answerAll);
    const result = await runDag(prepared, space, flagged, {
      decisions: new Map([['3', 'ROLLBACK']]),
    });
    expect(result.status).toBe('succeeded');
    const postmortem = flagged.calls.find((call) => call.subtask === 4);
    expect(lastUserText(postmortem as never)).toContain('chosen rollback (low);');

    const asked: DecisionRequest[] = [];
    const interactive = createScriptedModel('scripted', answerAll);
    const answered = await runDag(prepared, space, interactive, {
      decide: async (request) => {
        asked.push(request);
        return 'mitigate';
      },
    });
    expect(answered.status).toBe('succeeded');
    expect(asked).toEqual([
      expect.objectContaining({
        id: '3',
        options: [
          { id: 'rollback', risk: 'low', description: 'revert v3.42.0' },
          { id: 'hotfix', risk: 'medium' },
          { id: 'mitigate' },
        ],
      }),
    ]);
    const postmortemAsked = interactive.calls.find((call) => call.subtask === 4);
    expect(lastUserText(postmortemAsked as never)).toContain('chosen mitigate (risk not given);');
    expect(answered.decisions).toEqual([expect.objectContaining({ by: 'operator' })]);
  });

  it('reads options and their risk from the subtask output (decision.options_from)', async () => {
    const prepared = await decisionChain(
      'subtasks:\n  3:\n    decision: { options_from: remediation.options }\n',
    ).catch((error: Error) => error);
    // The root-cause schema has no `remediation`: pre-flight says so before any call.
    expect(String(prepared)).toContain('decision.options_from');
    expect(String(prepared)).toContain('no \\"remediation\\"');

    const space = workspace as Workspace;
    await writeFile(
      join(space.root, 'schemas', 'dag.root-cause.schema.json'),
      JSON.stringify({
        type: 'object',
        required: ['cause', 'remediation'],
        properties: {
          cause: { type: 'string' },
          remediation: {
            type: 'object',
            required: ['options'],
            properties: {
              options: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['id', 'risk'],
                  properties: { id: { type: 'string' }, risk: { type: 'string' } },
                },
              },
            },
          },
        },
      }),
    );
    const ready = await prepareChain(space.chainFile);
    const asked: DecisionRequest[] = [];
    const model = createScriptedModel('scripted', (call) =>
      call.subtask === 3
        ? JSON.stringify({
            cause: 'pool too small',
            remediation: {
              options: [
                { id: 'rollback', risk: 'low: v3.41 ran for weeks' },
                { id: 'raise-max-connections', risk: 'high: needs a Postgres restart' },
              ],
            },
          })
        : goodReplies[call.subtask],
    );
    const result = await runDag(ready, space, model, {
      decide: async (request) => {
        asked.push(request);
        return 'raise-max-connections';
      },
    });
    expect(result.status).toBe('succeeded');
    expect(asked[0]?.options).toEqual([
      { id: 'rollback', risk: 'low: v3.41 ran for weeks' },
      { id: 'raise-max-connections', risk: 'high: needs a Postgres restart' },
    ]);
    const postmortem = model.calls.find((call) => call.subtask === 4);
    expect(lastUserText(postmortem as never)).toContain(
      'chosen raise-max-connections (high: needs a Postgres restart);',
    );
  });

  it('checks --decide values before any call', async () => {
    const prepared = await decisionChain();
    const isWrite = () => false;
    expect(checkDecisionFlags(prepared, new Map([['3', 'rollback']]), isWrite)).toEqual([]);
    expect(checkDecisionFlags(prepared, new Map([['3', 'revert']]), isWrite)).toEqual([
      "--decide 3=revert: subtask 3's options are rollback, hotfix, mitigate",
    ]);
    expect(checkDecisionFlags(prepared, new Map([['2', 'rollback']]), isWrite)).toEqual([
      '--decide 2=rollback: subtask 2 is not a decision point (front matter subtasks.2.decision)',
    ]);
    expect(checkDecisionFlags(prepared, new Map([['9', 'x']]), isWrite)).toEqual([
      '--decide 9=x: the chain has no subtask 9',
    ]);
    expect(
      checkDecisionFlags(prepared, new Map([['3:restart_service', 'approve']]), isWrite),
    ).toEqual([
      "--decide 3:restart_service=approve: subtask 3's persona (observer) has no write tool restart_service",
    ]);
  });

  it('refuses a template that uses a decision of a subtask that is not a decision point', async () => {
    workspace = await createWorkspace('');
    const source = await readFile(workspace.chainFile, 'utf8');
    await writeFile(
      workspace.chainFile,
      source.replace('POSTMORTEM: cause', 'POSTMORTEM: {{subtask_3_decision.id}} cause'),
    );
    const result = await preflight(await loadChain(workspace.chainFile));
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([
      expect.objectContaining({
        message:
          'subtask 4: "subtask_3_decision.id" names subtask 3, which is not a decision point (front matter subtasks.3.decision)',
      }),
    ]);
  });
});

describe('write approvals', () => {
  const ran = { status: 0, restart: 0 };
  const tools: Tool[] = [
    {
      name: 'service_status',
      description: 'Reads a service status.',
      inputSchema: { type: 'object', properties: { service: { type: 'string' } } },
      effect: 'read',
      async run() {
        ran.status++;
        return { healthy: false };
      },
    },
    restartServiceTool(() => {
      ran.restart++;
    }),
  ];
  let root: string;
  let prepared: PreparedChain;

  beforeAll(async () => {
    ({ root, prepared } = await prepareMinimalChain(tools, ['service_status', 'restart_service']));
  });

  /** Turn 1 checks status and restarts in one reply; turn 2 answers; subtask 2 writes it up. */
  const incident: Script = (call) => {
    if (call.subtask === 2) return '# Post-mortem\n\nRestarted checkout-api.';
    if (call.turn === 1)
      return toolCallResult(
        ['service_status', { service: 'checkout-api' }, 'call_status'],
        ['restart_service', { service: 'checkout-api' }, 'call_restart'],
      );
    return textResult('{"severity": "SEV-2", "summary": "pool exhausted"}');
  };

  it('waits for an approval nobody can give now; the resume runs the write exactly once', async () => {
    ran.status = 0;
    ran.restart = 0;
    const home = await mkdtemp(join(tmpdir(), 'warroom-home-'));
    const first = createScriptedModel('anthropic', incident);
    const stopped = await runChain({
      prepared,
      providers: new Map([['anthropic', first]]),
      home,
      tools: new ToolRegistry(tools),
    });
    expect(stopped.status).toBe('awaiting-decision');
    expect(stopped.awaiting).toEqual([
      expect.objectContaining({
        id: '1:restart_service',
        kind: 'approval',
        toolCallId: 'call_restart',
        input: { service: 'checkout-api' },
      }),
    ]);
    expect(ran).toEqual({ status: 1, restart: 0 });
    expect(first.calls).toHaveLength(1);
    const pending = (await readJson(join(stopped.directory, 'pending/subtask-1.json'))) as {
      turn: number;
      results: unknown[];
    };
    expect(pending.turn).toBe(1);
    expect(pending.results).toHaveLength(1);

    // A resume without an answer asks again and waits again: nothing runs.
    const idle = createScriptedModel('anthropic', incident);
    const still = await resumeRun({
      directory: stopped.directory,
      providers: new Map([['anthropic', idle]]),
      home,
      tools: new ToolRegistry(tools),
    });
    expect(still.status).toBe('awaiting-decision');
    expect(idle.calls).toHaveLength(0);
    expect(ran).toEqual({ status: 1, restart: 0 });

    const second = createScriptedModel('anthropic', incident);
    const resumed = await resumeRun({
      directory: stopped.directory,
      providers: new Map([['anthropic', second]]),
      home,
      tools: new ToolRegistry(tools),
      decisions: new Map([['1:restart_service', 'approve']]),
    });
    expect(resumed.status).toBe('succeeded');
    // The status read is not run again; the approved restart runs once.
    expect(ran).toEqual({ status: 1, restart: 1 });
    // Turn 1 is not asked again: the subtask goes on at turn 2 with both results.
    expect(second.calls.map((call) => [call.subtask, call.turn])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    const toolMessage = second.calls[0]?.options.messages.at(-1);
    expect(toolMessage?.role).toBe('tool');
    expect(toolMessage?.content).toHaveLength(2);
    const report = (await readJson(join(resumed.directory, 'report.json'))) as Record<
      string,
      unknown
    >;
    // An approval is the run's, not the incident's: it is listed under run.decisions.
    expect(report.decisions).toBeUndefined();
    expect((report.run as { decisions: unknown }).decisions).toEqual([
      {
        subtask: 1,
        id: '1:restart_service',
        kind: 'approval',
        chosen: 'approve',
        by: 'flag',
        tool_call_id: 'call_restart',
      },
    ]);
  });

  it('a denial is told to the model, and the run goes on', async () => {
    ran.restart = 0;
    const home = await mkdtemp(join(tmpdir(), 'warroom-home-'));
    const model = createScriptedModel('anthropic', incident);
    const result = await runChain({
      prepared,
      providers: new Map([['anthropic', model]]),
      home,
      tools: new ToolRegistry(tools),
      decide: async (request) => (request.kind === 'approval' ? 'deny' : 'x'),
    });
    expect(result.status).toBe('succeeded');
    expect(ran.restart).toBe(0);
    const results = model.calls.find((call) => call.turn === 2)?.options.messages.at(-1);
    expect(JSON.stringify(results?.content)).toContain(
      'the operator declined to run write tool restart_service',
    );
    expect(result.decisions).toEqual([
      expect.objectContaining({
        kind: 'approval',
        option: expect.objectContaining({ id: 'deny' }),
      }),
    ]);
  });

  it('never runs an approved write twice, even when the same resume command is given again', async () => {
    ran.status = 0;
    ran.restart = 0;
    const home = await mkdtemp(join(tmpdir(), 'warroom-home-'));
    const resume = (script: Script) =>
      resumeRun({
        directory: stopped.directory,
        providers: new Map([['anthropic', createScriptedModel('anthropic', script)]]),
        home,
        tools: new ToolRegistry(tools),
        decisions: new Map([['1:restart_service', 'approve']]),
      });
    const stopped = await runChain({
      prepared,
      providers: new Map([['anthropic', createScriptedModel('anthropic', incident)]]),
      home,
      tools: new ToolRegistry(tools),
    });
    expect(stopped.status).toBe('awaiting-decision');
    // Approved and run; then the subtask fails (its answer never validates).
    const failed = await resume((call) => (call.subtask === 1 ? 'not json' : incident(call)));
    expect(failed.status).toBe('failed');
    expect(ran.restart).toBe(1);
    // The operator repeats the printed command: the write is not run again.
    const finished = await resume(incident);
    expect(finished.status).toBe('succeeded');
    expect(ran.restart).toBe(1);
  });

  it('approves with --decide only the call the run waited for, not a later one', async () => {
    ran.restart = 0;
    const home = await mkdtemp(join(tmpdir(), 'warroom-home-'));
    const twoRestarts: Script = (call) => {
      if (call.subtask === 2) return '# Post-mortem';
      if (call.turn === 1)
        return toolCallResult(['restart_service', { service: 'checkout-api' }, 'call_api']);
      if (call.turn === 2)
        return toolCallResult(['restart_service', { service: 'payments-db-primary' }, 'call_db']);
      return textResult('{"severity": "SEV-2", "summary": "pool exhausted"}');
    };
    const stopped = await runChain({
      prepared,
      providers: new Map([['anthropic', createScriptedModel('anthropic', twoRestarts)]]),
      home,
      tools: new ToolRegistry(tools),
    });
    const resumed = await resumeRun({
      directory: stopped.directory,
      providers: new Map([['anthropic', createScriptedModel('anthropic', twoRestarts)]]),
      home,
      tools: new ToolRegistry(tools),
      decisions: new Map([['1:restart_service', 'approve']]),
    });
    expect(ran.restart).toBe(1);
    expect(resumed.status).toBe('awaiting-decision');
    expect(resumed.awaiting).toEqual([
      expect.objectContaining({ toolCallId: 'call_db', input: { service: 'payments-db-primary' } }),
    ]);
  });

  it('asks a person one question at a time, even from subtasks running side by side', async () => {
    let open = 0;
    let most = 0;
    const parallel = await decisionChain(
      'subtasks:\n  1:\n    decision: { options: [c, d] }\n  2:\n    decision: { options: [a, b] }\n  3:\n    decision: { options: [rollback, hotfix] }\n',
    );
    const result = await runDag(
      parallel,
      workspace as Workspace,
      createScriptedModel('s', answerAll),
      {
        decide: async (request) => {
          open += 1;
          most = Math.max(most, open);
          await new Promise((resolve) => setTimeout(resolve, 20));
          open -= 1;
          return request.options[0]?.id ?? '';
        },
      },
    );
    expect(result.status).toBe('succeeded');
    expect(result.decisions).toHaveLength(3);
    expect(most).toBe(1);
  });

  it('resumes a paused subtask on the fallback model its conversation was on', async () => {
    ran.restart = 0;
    const source = await readFile(join(root, 'chains/minimal.md'), 'utf8');
    const chainFile = join(root, 'chains/minimal-fallback.md');
    await writeFile(
      chainFile,
      source.replace('---\n', '---\nmodel:\n  fallback: [openai/gpt-4.1]\n'),
    );
    const result = await preflight(await loadChain(chainFile), { tools: new ToolRegistry(tools) });
    if (!result.prepared) throw new Error(JSON.stringify(result.diagnostics));
    const down = () =>
      createScriptedModel('anthropic', (call) => {
        call.fail(
          new ProviderCallError({
            provider: 'anthropic',
            modelId: 'claude-sonnet-4-5',
            message: 'anthropic claude-sonnet-4-5: HTTP 529 overloaded_error: Overloaded',
            statusCode: 529,
            isRetryable: true,
          }),
        );
        return undefined;
      });
    const onFallback: Script = (call) =>
      call.subtask === 1 && call.turn === 1
        ? toolCallResult(['restart_service', { service: 'checkout-api' }, 'call_restart'])
        : incident(call);
    const home = await mkdtemp(join(tmpdir(), 'warroom-home-'));
    const options = {
      home,
      tools: new ToolRegistry(tools),
      retryPolicy: { maxAttempts: 1 },
      sleep: async () => {},
    };
    const stopped = await runChain({
      ...options,
      prepared: result.prepared,
      providers: new Map([
        ['anthropic', down()],
        ['openai', createScriptedModel('openai', onFallback)],
      ]),
    });
    expect(stopped.status).toBe('awaiting-decision');
    const anthropic = down();
    const openai = createScriptedModel('openai', onFallback);
    const resumed = await resumeRun({
      ...options,
      directory: stopped.directory,
      providers: new Map([
        ['anthropic', anthropic],
        ['openai', openai],
      ]),
      decisions: new Map([['1:restart_service', 'approve']]),
    });
    expect(resumed.status).toBe('succeeded');
    expect(anthropic.calls.filter((call) => call.subtask === 1)).toEqual([]);
    expect(openai.calls.map((call) => [call.subtask, call.turn])).toContainEqual([1, 2]);
  });
});
