/**
 * Optional and severity-gated subtasks: the run finishes without them, their
 * dependents are skipped, and the report says what is missing.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { loadChain, preflight } from '../../src/index.js';
import {
  createWorkspace,
  goodReplies,
  prepareChain,
  readEvents,
  readJson,
  runDag,
  type Workspace,
} from './dag-chain.js';
import { createScriptedModel, type Script } from './scripted-model.js';

let workspace: Workspace | undefined;
afterEach(() => workspace?.remove());

async function workspaceWith(frontMatter: string): Promise<Workspace> {
  workspace = await createWorkspace(frontMatter);
  return workspace;
}

const answerAll: Script = (call) => goodReplies[call.subtask];

function errorsOf(diagnostics: Array<{ severity: string; code: string; message: string }>) {
  return diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
}

describe('optional subtasks', () => {
  it('refuses, before any call, a required subtask that depends on an optional one', async () => {
    const space = await workspaceWith('subtasks:\n  3: { optional: true }\n');
    const result = await preflight(await loadChain(space.chainFile));
    const errors = errorsOf(result.diagnostics);
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'CONDITIONAL_DEPENDENCY',
        message:
          'subtask 4 must run but depends on subtask 3, which is optional; mark subtask 4 optional too, or gate it the same way',
      }),
    ]);
    expect(result.prepared).toBeUndefined();
  });

  it('records an optional failure, skips what needed it, and lists both as missing', async () => {
    const space = await workspaceWith(
      'subtasks:\n  3: { optional: true }\n  4: { optional: true }\n',
    );
    const prepared = await prepareChain(space.chainFile);
    // Subtask 3 answers prose where JSON is due, on its first turn and on its repair turn.
    const model = createScriptedModel('scripted', (call) =>
      call.subtask === 3 ? 'The pool was too small, I think.' : goodReplies[call.subtask],
    );
    const result = await runDag(prepared, space, model);

    expect(result.status).toBe('succeeded');
    expect(result.failures).toEqual([]);
    expect(result.absent.map((entry) => [entry.subtask, entry.reason])).toEqual([
      [3, 'failed'],
      [4, 'failed'],
    ]);
    expect(model.calls.some((call) => call.subtask === 4)).toBe(false);

    const report = (await readJson(`${result.directory}/report.json`)) as Record<string, unknown>;
    expect(report.root_cause).toEqual({ primary: null });
    expect(report.postmortem_markdown).toBeNull();
    expect(report.severity).toBe('SEV-2');
    expect(report.missing).toEqual([
      {
        subtask: 3,
        title: 'Root cause',
        reason: 'failed',
        because: expect.stringMatching(/^failed: .*subtask 3/),
      },
      {
        subtask: 4,
        title: 'Post-mortem',
        reason: 'failed',
        because: 'needs subtask 3, which has no output',
      },
    ]);
    const markdown = await readFile(`${result.directory}/report.md`, 'utf8');
    expect(markdown).toContain('## Missing');
    expect(markdown).toContain('**Incomplete.**');
    expect(markdown).toContain('- Subtask 4 (Post-mortem): needs subtask 3, which has no output');

    const events = await readEvents(result.directory);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'subtask-fail', subtask: 3, optional: true }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'subtask-skip', subtask: 4, cause: 'failed' }),
    );
  });

  it('still fails the run when a required subtask fails', async () => {
    const space = await workspaceWith(
      'subtasks:\n  3: { optional: true }\n  4: { optional: true }\n',
    );
    const prepared = await prepareChain(space.chainFile);
    const model = createScriptedModel('scripted', (call) =>
      call.subtask === 1 ? 'not json at all' : goodReplies[call.subtask],
    );
    const result = await runDag(prepared, space, model);
    expect(result.status).toBe('failed');
    expect(result.failures.map((failure) => failure.subtask)).toEqual([1]);
  });

  it('does not excuse an optional subtask that a cancel stopped', async () => {
    const space = await workspaceWith(
      'subtasks:\n  3: { optional: true }\n  4: { optional: true }\n',
    );
    const prepared = await prepareChain(space.chainFile);
    const controller = new AbortController();
    const model = createScriptedModel('scripted', (call) =>
      call.subtask === 3 ? undefined : goodReplies[call.subtask],
    );
    const running = runDag(prepared, space, model, { signal: controller.signal });
    await model.callFor(3);
    controller.abort();
    const result = await running;
    expect(result.status).toBe('failed');
    expect(result.absent).toEqual([]);
    expect(result.failures).toContainEqual(expect.objectContaining({ code: 'ABORTED' }));
  });
});

const gatedOnTriage = `severity:
  from: subtask_1_output.severity
subtasks:
  2: { when: { severity: [SEV-1, P1] } }
  4: { when: { severity: [SEV-1] } }
`;

describe('severity-gated subtasks', () => {
  it('skips what the severity the triage decided does not call for', async () => {
    const space = await workspaceWith(gatedOnTriage);
    const prepared = await prepareChain(space.chainFile);
    const model = createScriptedModel('scripted', (call) =>
      call.subtask === 1
        ? '{"severity": "SEV-3", "summary": "one pod"}'
        : goodReplies[call.subtask],
    );
    const result = await runDag(prepared, space, model);

    expect(result.status).toBe('succeeded');
    expect(model.calls.map((call) => call.subtask).sort()).toEqual([1, 3]);
    expect(result.absent).toEqual([
      {
        subtask: 2,
        reason: 'not-routed',
        because: 'runs only at SEV-1, SEV-2; this incident is SEV-3',
      },
      // Its own gate is the reason given, not the skipped subtask it also needs.
      { subtask: 4, reason: 'not-routed', because: 'runs only at SEV-1; this incident is SEV-3' },
    ]);
    const events = await readEvents(result.directory);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'subtask-skip',
        subtask: 2,
        cause: 'not-routed',
        severity: 'SEV-3',
      }),
    );
    const markdown = await readFile(`${result.directory}/report.md`, 'utf8');
    expect(markdown).toContain('The severity did not call for these subtasks');
  });

  it('runs every gated subtask at a severity they list, each after the triage decided it', async () => {
    const space = await workspaceWith(gatedOnTriage);
    const prepared = await prepareChain(space.chainFile);
    // Subtask 2 references nothing: only the gate makes it wait for the triage.
    expect(prepared.subtasks.get(2)?.dependencies).toEqual([1]);
    const model = createScriptedModel('scripted', (call) => {
      if (call.subtask === 1) return undefined;
      return goodReplies[call.subtask];
    });
    const running = runDag(prepared, space, model);
    const triage = await model.callFor(1);
    expect(model.calls.map((call) => call.subtask)).toEqual([1]);
    triage.reply('{"severity": "SEV-1", "summary": "all checkouts failing"}');
    const result = await running;
    expect(result.status).toBe('succeeded');
    expect(result.absent).toEqual([]);
    expect(model.calls.map((call) => call.subtask).sort()).toEqual([1, 2, 3, 4]);
  });

  it('fails the run, naming the path, when the severity source does not hold a severity', async () => {
    const space = await workspaceWith(
      'severity:\n  from: subtask_1_output.summary\nsubtasks:\n  2: { when: { severity: [SEV-1] } }\n  4: { optional: true }\n',
    );
    const prepared = await prepareChain(space.chainFile);
    const result = await runDag(prepared, space, createScriptedModel('scripted', answerAll));
    expect(result.status).toBe('failed');
    expect(result.failures).toEqual([
      expect.objectContaining({
        code: 'SEVERITY_UNKNOWN',
        subtask: 2,
        message: expect.stringContaining(
          '"subtask_1_output.summary" is "Checkout \\"p99\\" at 4s", not a severity',
        ),
      }),
    ]);
  });

  it('reads the severity from the input by default, P0..P3 included', async () => {
    const space = await workspaceWith(
      'subtasks:\n  2: { when: { severity: [SEV-1] } }\n  4: { optional: true }\n',
    );
    const parsed = await loadChain(space.chainFile);
    const withSeverity = (value: object) => {
      const text = JSON.stringify(value);
      return { value: value as never, file: 'incident.json', text, line: 1 };
    };
    const missing = await preflight(parsed, {
      input: withSeverity({ incident_id: 'INC-7', service: 'checkout' }),
    });
    expect(errorsOf(missing.diagnostics)).toEqual([
      expect.objectContaining({
        code: 'SEVERITY_SOURCE',
        message: expect.stringContaining('the input has no "severity" (incident.json)'),
      }),
    ]);
    const wrong = await preflight(parsed, {
      input: withSeverity({ incident_id: 'INC-7', service: 'checkout', severity: 'bad' }),
    });
    expect(errorsOf(wrong.diagnostics)[0]?.message).toBe(
      'input field "severity" is "bad" (incident.json), not a severity: SEV-1..SEV-4 or P0..P3',
    );
    const p0 = await preflight(parsed, {
      input: withSeverity({ incident_id: 'INC-7', service: 'checkout', severity: 'P0' }),
    });
    if (!p0.prepared) throw new Error('pre-flight failed');
    const model = createScriptedModel('scripted', answerAll);
    const result = await runDag(p0.prepared, space, model);
    expect(result.status).toBe('succeeded');
    expect(model.calls.some((call) => call.subtask === 2)).toBe(true);
  });

  it('rejects a severity name it does not know, at its front matter line', async () => {
    const space = await workspaceWith('subtasks:\n  2: { when: { severity: [critical] } }\n');
    const result = await preflight(await loadChain(space.chainFile));
    expect(errorsOf(result.diagnostics)).toEqual([
      expect.objectContaining({
        code: 'FRONT_MATTER_FIELD',
        message:
          'front matter field "subtasks.2.when.severity.0": a severity is SEV-1..SEV-4 or P0..P3',
      }),
    ]);
  });
});
