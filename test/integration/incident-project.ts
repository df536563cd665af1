/**
 * A throw-away copy of the project (chains/, schemas/, personas/) with the example
 * incident, for integration tests that record, edit and replay without touching the
 * repository; and the scripted incident model that answers the chain's four
 * subtasks with the hand-written replies.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeSecrets } from '../support/fake-secrets.js';
import type { Answer, SeenRequest } from './wire-backends.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const caseName = 'db-pool-exhaustion';
/** Shaped like a real personal access token (36 characters after the prefix). */
export const fakeGithubToken = fakeSecrets.github('integration');

export interface Project {
  root: string;
  chainFile: string;
  /** `<root>/db-pool-exhaustion.json`, so the case is named after it. */
  inputFile: string;
  remove(): Promise<void>;
}

export interface ProjectOptions {
  /** Tool allowlists written into the copied personas' front matter. */
  personaTools?: Record<string, string[]>;
  /** Appended to the second symptom of the input (a secret to be redacted, say). */
  symptomSuffix?: string;
}

export async function createProject(options: ProjectOptions = {}): Promise<Project> {
  const root = await mkdtemp(join(tmpdir(), 'warroom-integration-'));
  for (const folder of ['chains', 'schemas', 'personas']) {
    await cp(join(repoRoot, folder), join(root, folder), { recursive: true });
  }
  // Personas get exactly the test's tools (the shipped ones list built-in tools this test does not register).
  for (const name of await readdir(join(root, 'personas'))) {
    const persona = name.replace(/\.md$/, '');
    const tools = options.personaTools?.[persona] ?? [];
    const file = join(root, 'personas', name);
    const source = await readFile(file, 'utf8');
    const toolsLine = /\ntools: \[[^\]\n]*\]\n/;
    if (!toolsLine.test(source)) throw new Error(`${file} has no tools list`);
    await writeFile(file, source.replace(toolsLine, `\ntools: [${tools.join(', ')}]\n`));
  }
  const incident = JSON.parse(
    await readFile(join(repoRoot, 'fixtures/incidents', `${caseName}.json`), 'utf8'),
  ) as { symptoms: string[] };
  if (options.symptomSuffix !== undefined) {
    incident.symptoms[1] = `${incident.symptoms[1]} ${options.symptomSuffix}`;
  }
  const inputFile = join(root, `${caseName}.json`);
  await writeFile(inputFile, `${JSON.stringify(incident, null, 2)}\n`);
  return {
    root,
    chainFile: join(root, 'chains/incident-response.md'),
    inputFile,
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** Which subtask a request belongs to, read from the opening of its rendered prompt. */
export function subtaskOf(request: SeenRequest): number | undefined {
  const prompt = request.firstUserText;
  if (prompt.startsWith('You are triaging incident')) return 1;
  if (/^Incident \S+ \(".*"\) has been triaged at/.test(prompt)) return 2;
  if (/^Incident \S+ is a SEV-\d affecting/.test(prompt)) return 3;
  if (prompt.startsWith('Write the blameless post-mortem draft')) return 4;
  return undefined;
}

/** The hand-written replies for the example incident, by subtask. */
export async function handWrittenReplies(): Promise<Map<number, string>> {
  const dir = join(repoRoot, 'fixtures/hand-written/incident-response', caseName);
  const replies = new Map<number, string>();
  for (const name of await readdir(dir)) {
    const number = Number(/^subtask-(\d+)\.md$/.exec(name)?.[1]);
    if (Number.isInteger(number)) replies.set(number, await readFile(join(dir, name), 'utf8'));
  }
  return replies;
}

/** The final answer of `subtask` from `replies`, as a text answer. */
export function replyOf(replies: Map<number, string>, subtask: number): Answer {
  const text = replies.get(subtask);
  if (text === undefined) throw new Error(`no hand-written reply for subtask ${subtask}`);
  return { kind: 'text', text };
}

/** Every file under `dir`, recursively, as absolute paths. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
