/**
 * A small incident chain written to a temp workspace (chains/, personas/,
 * schemas/) and prepared through the real loadChain + preflight:
 *
 *   1 triage (JSON, schema file) ──→ 3 root cause (JSON, schema file) ──┐
 *   2 log review (Markdown) ────────────────────────────────────────────┴→ 4 post-mortem (Markdown)
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadChain,
  type ModelProvider,
  type PreparedChain,
  preflight,
  type RunChainOptions,
  type RunEvent,
  runChain,
} from '../../src/index.js';

const fence = '```';

const triageSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['severity', 'summary'],
  properties: {
    severity: { type: 'string', enum: ['SEV-1', 'SEV-2', 'SEV-3'] },
    summary: { type: 'string' },
  },
};

const rootCauseSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['cause'],
  properties: { cause: { type: 'string' } },
};

const sre = `---
id: sre
name: Site Reliability Engineer
aliases: [SRE]
model:
  provider: anthropic
  modelId: claude-sonnet-4-5
  temperature: 0.2
---
You are the site reliability engineer on call.
`;

const observer = `---
id: observer
name: Observability Expert
model:
  provider: openai
  modelId: gpt-5
---
You read telemetry for a living.
`;

function chainSource(frontMatterExtra: string): string {
  return `---
personas:
  1: sre
  2: sre
  3: observer
  4: sre
schemas:
  1: ../schemas/dag.triage.schema.json
  3: ../schemas/dag.root-cause.schema.json
${frontMatterExtra}---
# DAG Chain

## Workflow Metadata
- **Chain ID**: \`dag\`
- **Version**: \`1.0.0\`

## Input Requirements
${fence}json
{ "incident_id": "INC-7", "service": "checkout" }
${fence}

## Subtasks

### Subtask 1: Triage
**Agent**: Site Reliability Engineer
**Prompt**:
${fence}
TRIAGE {{incident_id}} on {{service}}.

OUTPUT FORMAT (JSON):
${fence}json
{ "severity": "SEV-2", "summary": "text" }
${fence}
${fence}

### Subtask 2: Log review
**Agent**: Site Reliability Engineer
**Prompt**:
${fence}
LOGS for {{service}}.

OUTPUT FORMAT (Markdown):
${fence}markdown
## Findings
${fence}
${fence}

### Subtask 3: Root cause
**Agent**: Observability Expert
**Prompt**:
${fence}
ROOT CAUSE given severity {{subtask_1_output.severity}}.

OUTPUT FORMAT (JSON):
${fence}json
{ "cause": "text" }
${fence}
${fence}

### Subtask 4: Post-mortem
**Agent**: Site Reliability Engineer
**Prompt**:
${fence}
POSTMORTEM: cause {{subtask_3_output.cause}}; logs {{subtask_2_output}}

OUTPUT FORMAT (Markdown):
${fence}markdown
# Post-mortem
${fence}
${fence}

## Final Output Aggregation
${fence}json
{
  "incident_id": "{{incident_id}}",
  "title": "Incident {{incident_id}}",
  "severity": "{{subtask_1_output.severity}}",
  "summary": "{{subtask_1_output.summary}}",
  "root_cause": { "primary": "{{subtask_3_output.cause}}" },
  "logs": "{{subtask_2_output}}",
  "postmortem_markdown": "{{subtask_4_output}}"
}
${fence}
`;
}

/** Replies that make every subtask of the DAG chain succeed on its first turn. */
export const goodReplies: Record<number, string> = {
  1: '{"severity": "SEV-2", "summary": "Checkout \\"p99\\" at 4s"}',
  2: '## Findings\nPool exhausted at 14:02.',
  3: '{"cause": "connection pool too small"}',
  4: '```markdown\n# Post-mortem\n## Fix\n```java\npool.setMaximumPoolSize(20);\n```\n```',
};

export interface Workspace {
  root: string;
  home: string;
  chainFile: string;
  remove(): Promise<void>;
}

export async function createWorkspace(frontMatterExtra = ''): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), 'warroom-engine-'));
  for (const folder of ['chains', 'personas', 'schemas']) await mkdir(join(root, folder));
  const chainFile = join(root, 'chains', 'dag.md');
  await writeFile(chainFile, chainSource(frontMatterExtra));
  await writeFile(join(root, 'personas', 'sre.md'), sre);
  await writeFile(join(root, 'personas', 'observer.md'), observer);
  const schema = (name: string, value: object) =>
    writeFile(join(root, 'schemas', name), JSON.stringify(value, null, 2));
  await schema('dag.triage.schema.json', triageSchema);
  await schema('dag.root-cause.schema.json', rootCauseSchema);
  return {
    root,
    home: join(root, '.warroom'),
    chainFile,
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

export async function prepareChain(file: string): Promise<PreparedChain> {
  const result = await preflight(await loadChain(file));
  const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (!result.prepared) throw new Error(`pre-flight failed: ${JSON.stringify(errors, null, 2)}`);
  return result.prepared;
}

/** A clock that starts at `start` and moves `stepMs` on every reading. */
export function steppingClock(start: string, stepMs = 1000): () => Date {
  let now = Date.parse(start);
  return () => {
    const reading = new Date(now);
    now += stepMs;
    return reading;
  };
}

export async function readEvents(directory: string): Promise<RunEvent[]> {
  const text = await readFile(join(directory, 'events.jsonl'), 'utf8');
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as RunEvent);
}

export async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown;
}

/** One scripted model serving both providers the DAG chain's personas name. */
export function scriptedProviders(model: ModelProvider): Map<string, ModelProvider> {
  return new Map<string, ModelProvider>([
    ['anthropic', model],
    ['openai', model],
  ]);
}

/** Runs the prepared DAG chain on a scripted model: stepping clock, retries without waiting. */
export function runDag(
  prepared: PreparedChain,
  workspace: Workspace,
  model: ModelProvider,
  options: Partial<RunChainOptions> = {},
) {
  return runChain({
    prepared,
    providers: scriptedProviders(model),
    home: workspace.home,
    clock: steppingClock('2025-03-01T12:00:00Z'),
    sleep: async () => {},
    ...options,
  });
}
