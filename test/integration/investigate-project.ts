/**
 * A throw-away project for driving `warroom investigate` as a person would: the
 * shipped personas with small tool lists (sre reads git history; the backend
 * engineer may also create a branch, a write tool), a real git checkout with fixed
 * commits for those tools, the config file pointing at it, the connection-pool
 * incident, and helpers to start the built CLI in a tmux terminal and to read the
 * recorded fixtures back.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { openTerminal, type Terminal } from '../support/tmux-terminal.js';
import { repoRoot } from './incident-project.js';

export const incidentId = 'INC-20251118-0142';

const personaTools: Record<string, string[]> = {
  sre: ['git_log'],
  'backend-engineer': ['git_log', 'git_create_branch'],
  'observability-expert': ['git_log'],
};

export interface InvestigateProject {
  root: string;
  home: string;
  repository: string;
  incidentFile: string;
  /** The checkout's branches, to prove a refused write wrote nothing. */
  branches(): string[];
  remove(): Promise<void>;
}

function git(repository: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, {
    cwd: repository,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', ...env },
  }).trim();
}

export async function createInvestigateProject(): Promise<InvestigateProject> {
  const root = await mkdtemp(join(tmpdir(), 'warroom-investigate-'));
  await cp(join(repoRoot, 'personas'), join(root, 'personas'), { recursive: true });
  for (const name of await readdir(join(root, 'personas'))) {
    const file = join(root, 'personas', name);
    const tools = personaTools[name.replace(/\.md$/, '')] ?? [];
    const source = await readFile(file, 'utf8');
    await writeFile(
      file,
      source.replace(/\ntools: \[[^\]\n]*\]\n/, `\ntools: [${tools.join(', ')}]\n`),
    );
  }
  const repository = join(root, 'checkout');
  await mkdir(repository);
  git(repository, ['init', '--quiet', '--initial-branch=main']);
  const commits: Array<[string, string, string]> = [
    ['2025-11-18T13:40:00Z', 'config/application-prod.yaml', 'maximum-pool-size: 10\n'],
    ['2025-11-18T13:52:10Z', 'config/application-prod.yaml', 'maximum-pool-size: 14\n'],
  ];
  for (const [date, path, content] of commits) {
    await mkdir(join(repository, path, '..'), { recursive: true });
    await writeFile(join(repository, path), content);
    git(repository, ['add', '--all']);
    git(repository, ['commit', '--quiet', '-m', `pool size: ${content.trim()}`], {
      GIT_AUTHOR_NAME: 'M Okafor',
      GIT_AUTHOR_EMAIL: 'm.okafor@acme.test',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: 'M Okafor',
      GIT_COMMITTER_EMAIL: 'm.okafor@acme.test',
      GIT_COMMITTER_DATE: date,
    });
  }
  await writeFile(
    join(root, 'warroom.config.yaml'),
    `tools:\n  git: { repository: ${JSON.stringify(repository)} }\n`,
  );
  const incidentFile = join(root, 'db-pool-exhaustion.json');
  await cp(join(repoRoot, 'fixtures/incidents/db-pool-exhaustion.json'), incidentFile);
  return {
    root,
    home: join(root, '.warroom'),
    repository,
    incidentFile,
    branches: () => git(repository, ['branch', '--format=%(refname:short)']).split('\n'),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/**
 * `warroom investigate …` from the built bin in a tmux terminal, under a shell that
 * prints its exit status when it ends. (tmux here sometimes misses the SIGCHLD of
 * its pane's process and never reports the status, so the shell, which always
 * reaps its child, reports it on the screen.) The shell writes its pid to a file;
 * node is that shell's only child.
 */
export function investigateInTerminal(
  project: InvestigateProject,
  args: string[],
  env: Record<string, string> = {},
): { terminal: Terminal; exited: () => Promise<number>; pid: () => number } {
  const pidFile = join(project.root, `pid-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const command = [process.execPath, join(repoRoot, 'dist/cli/main.js'), 'investigate', ...args];
  const terminal = openTerminal({
    command: ['sh', '-c', 'echo $$ > "$0"; "$@"; echo "[exit $?]"', pidFile, ...command],
    cwd: project.root,
    env: { WARROOM_HOME: project.home, ...env },
  });
  return {
    terminal,
    async exited() {
      const screen = await terminal.waitFor(/\n\[exit (\d+)\]/);
      return Number(/\n\[exit (\d+)\]/.exec(screen)?.[1]);
    },
    pid() {
      const shell = readFileSync(pidFile, 'utf8').trim();
      return Number(readFileSync(`/proc/${shell}/task/${shell}/children`, 'utf8').trim());
    },
  };
}

/** The screen without what the shell adds at the end ("Killed", the exit line). */
export function programScreen(screen: string): string {
  return screen.replace(/\n(?:Killed\n)?\[exit \d+\][\s\S]*$/, '\n');
}

/** The screen's non-empty lines, trailing spaces trimmed. */
export function screenLines(screen: string): string[] {
  return screen
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '');
}

/** Matches a screen whose last non-empty line is `prompt` (and nothing typed after it). */
export function promptShown(prompt: string): RegExp {
  const escaped = prompt.trimEnd().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|\\n)${escaped} *\\n*$`);
}

/**
 * Types a line once `prompt` is waiting for it, as a person would. (A line typed
 * before the prompt is drawn is typed ahead: the screen shows it without one.)
 */
export async function typeAtPrompt(
  terminal: Terminal,
  prompt: string,
  text: string,
): Promise<void> {
  await terminal.waitFor(promptShown(prompt));
  terminal.type(text);
}

/** The last non-empty line on the screen: where the prompt is. */
export function lastLine(screen: string): string {
  return screenLines(screen).at(-1) ?? '';
}

export interface RecordedExchange {
  label: { run: string; subtask: number; turn: number };
  request: {
    system: string;
    messages: Array<{ role: string; content: Array<Record<string, unknown>> }>;
    tools?: Array<{ name: string }>;
  };
}

/** Every exchange in a fixtures directory, read straight from the YAML files. */
export async function recordedExchanges(directory: string): Promise<RecordedExchange[]> {
  const files = (await readdir(directory, { recursive: true })).filter((name) =>
    String(name).endsWith('.yaml'),
  );
  const exchanges: RecordedExchange[] = [];
  for (const name of files) {
    const fixture = parse(await readFile(join(directory, String(name)), 'utf8')) as {
      exchanges: RecordedExchange[];
    };
    exchanges.push(...fixture.exchanges);
  }
  return exchanges.sort((a, b) => a.label.subtask - b.label.subtask || a.label.turn - b.label.turn);
}
