/**
 * Durable runs, end to end: the incident chain runs as a real `warroom run-chain`
 * child process against a loopback Anthropic server, is killed with SIGKILL at a
 * chosen point, and `warroom resume` (another real child) finishes it. The server
 * counts requests per subtask, so a subtask that finished before the kill and was
 * asked again would show; the report must equal a straight run's (minus `run`).
 */
import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, type Project } from './incident-project.js';
import {
  apiKey,
  type CliChild,
  type IncidentBackend,
  runCli,
  startCli,
  startIncidentBackend,
  waitForEvent,
} from './resume-children.js';

let project: Project;
let straightReport: unknown;

function env(backend: IncidentBackend, home: string): NodeJS.ProcessEnv {
  return {
    ANTHROPIC_BASE_URL: backend.backend.baseURL,
    ANTHROPIC_API_KEY: apiKey,
    WARROOM_HOME: home,
    CI: '1',
  };
}

function runChainArgs(out?: string): string[] {
  return [
    'run-chain',
    '--chain',
    project.chainFile,
    '--input',
    project.inputFile,
    '--provider',
    'anthropic',
    '--quiet',
    ...(out ? ['--out', out] : []),
  ];
}

async function reportWithoutRun(directory: string): Promise<unknown> {
  const report = JSON.parse(await readFile(join(directory, 'report.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const { run: _run, ...rest } = report;
  return rest;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  project = await createProject();
  const backend = await startIncidentBackend();
  try {
    const out = join(project.root, 'straight');
    const run = await runCli(runChainArgs(out), {
      cwd: project.root,
      env: env(backend, join(project.root, '.warroom-straight')),
    });
    if (run.code !== 0) throw new Error(`the straight run failed:\n${run.stderr}`);
    expect([...backend.requests]).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
    straightReport = await reportWithoutRun(out);
  } finally {
    await backend.backend.close();
  }
}, 60_000);

afterAll(() => project?.remove());

interface KillScenario {
  name: string;
  /** Arms the kill: from the server (a request arrives) or from the run log. */
  arm(backend: IncidentBackend, child: () => CliChild, directory: () => string | undefined): void;
  /** Subtasks whose outputs exist when the process dies. */
  doneAtKill: number[];
  /** Resume by run id (under $WARROOM_HOME/runs) instead of by path. */
  byId?: boolean;
}

const killOnRequest =
  (subtask: number): KillScenario['arm'] =>
  (backend, child) => {
    backend.onRequest = (asked) => {
      // Killed before the answer is sent: the request is in flight when the process dies.
      if (asked === subtask) child().child.kill('SIGKILL');
    };
  };

const scenarios: KillScenario[] = [
  {
    name: 'after subtask 1 finished (subtask 2 just asked)',
    arm: killOnRequest(2),
    doneAtKill: [1],
  },
  {
    name: 'while subtask 3 is in flight',
    arm: killOnRequest(3),
    doneAtKill: [1, 2],
    byId: true,
  },
  {
    name: "right after subtask 4's output was written, before the report",
    arm: (_backend, child, directory) => {
      void waitForEvent(directory, (event) => event.type === 'subtask-end' && event.subtask === 4)
        .then(() => child().child.kill('SIGKILL'))
        .catch(() => undefined);
    },
    doneAtKill: [1, 2, 3, 4],
  },
];

interface Killed {
  backend: IncidentBackend;
  home: string;
  runDirectory: string;
  /** Requests per subtask when the process died. */
  before: Map<number, number>;
}

/** Runs the chain in a child and kills it where the scenario says; undefined when it finished first. */
async function runAndKill(scenario: KillScenario, attempt: number): Promise<Killed | undefined> {
  const backend = await startIncidentBackend();
  const home = join(project.root, `.warroom-${scenarios.indexOf(scenario)}-${attempt}`);
  const out = scenario.byId ? undefined : join(home, 'out');
  let located: string | undefined = out;
  let running: CliChild | undefined;
  scenario.arm(
    backend,
    () => running as CliChild,
    () => located,
  );
  running = startCli(runChainArgs(out), { cwd: project.root, env: env(backend, home) });
  if (!out) {
    // The run directory is named by its run id; find it as soon as it exists.
    void (async () => {
      while (!located) {
        const names = await readdir(join(home, 'runs')).catch(() => [] as string[]);
        if (names[0]) located = join(home, 'runs', names[0]);
        else await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
  }
  const death = await running.exited;
  backend.onRequest = undefined;
  const runDirectory = located as string;
  if (death.signal !== 'SIGKILL' || (await exists(join(runDirectory, 'report.json')))) {
    await backend.backend.close();
    return undefined;
  }
  return { backend, home, runDirectory, before: new Map(backend.requests) };
}

for (const scenario of scenarios)
  describe(`a run killed with SIGKILL ${scenario.name}`, () => {
    it('resumes to exit 0 with the straight report, asking no finished subtask again', async () => {
      // Killing on a log line races the report; a lost race (the run finished) is run again.
      let killed: Killed | undefined;
      for (let attempt = 1; attempt <= 3 && !killed; attempt++) {
        killed = await runAndKill(scenario, attempt);
      }
      if (!killed) throw new Error('the run was never killed at the chosen point');
      const { backend, home, runDirectory, before } = killed;
      try {
        const outputs = (await readdir(join(runDirectory, 'outputs'))).filter(
          (name) => !name.endsWith('.tmp'),
        );
        expect(outputs.map((name) => Number(/subtask-(\d+)/.exec(name)?.[1])).sort()).toEqual(
          scenario.doneAtKill,
        );
        const reference = scenario.byId ? (runDirectory.split('/').at(-1) as string) : runDirectory;
        const resumed = await runCli(['resume', reference, '--quiet'], {
          cwd: project.root,
          env: env(backend, home),
        });
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(await reportWithoutRun(runDirectory)).toEqual(straightReport);
        for (const subtask of scenario.doneAtKill) {
          // Zero repeated requests for what had finished before the kill.
          expect(backend.requests.get(subtask), `subtask ${subtask}`).toBe(before.get(subtask));
        }
        for (const subtask of [1, 2, 3, 4].filter((n) => !scenario.doneAtKill.includes(n))) {
          expect(backend.requests.get(subtask), `subtask ${subtask}`).toBe(
            (before.get(subtask) ?? 0) + 1,
          );
        }
        const runJson = JSON.parse(await readFile(join(runDirectory, 'run.json'), 'utf8'));
        expect(runJson).toMatchObject({ status: 'succeeded', resumes: [expect.any(Object)] });
      } finally {
        await backend.backend.close();
      }
    }, 90_000);
  });
