// @ts-check
/**
 * The chains the benchmark runs, written as real chain Markdown (plus persona and
 * schema files) into a temp workspace and prepared through warroom's own
 * loadChain + preflight. LangGraph.js is built from the same prepared chain, so
 * both sides render the same templates against the same schemas.
 *
 *   incident  1 triage → 2 root cause → 3 remediation → 4 post-mortem (Markdown)
 *   triage    1 triage (one request per incident, for the throughput row)
 *   dag       1 A → {2 B, 3 C (slow)} → 4 D;  2 B → 5 E → 6 F
 *   linear-N  1 → 2 → … → N
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadChain, preflight } from '../../dist/index.js';

const fence = '```';

/** Every subtask runs as this persona, on the simulated provider. */
export const benchProviderId = 'bench';

const persona = `---
id: bench-sre
name: Site Reliability Engineer
aliases: [SRE]
model:
  provider: ${benchProviderId}
  modelId: simulated-1
  temperature: 0.2
tools: []
---
You are the site reliability engineer on call. Answer only from the data given.
`;

const draft = 'https://json-schema.org/draft/2020-12/schema';

/** @param {Record<string, object>} properties */
function objectSchema(properties) {
  return {
    $schema: draft,
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties),
    properties,
  };
}

const schemas = {
  'incident.triage.schema.json': objectSchema({
    severity: { type: 'string', enum: ['SEV-1', 'SEV-2', 'SEV-3'] },
    summary: { type: 'string' },
    affected: { type: 'array', items: { type: 'string' } },
  }),
  'incident.root-cause.schema.json': objectSchema({
    cause: { type: 'string' },
    evidence: { type: 'array', items: { type: 'string' } },
  }),
  'incident.remediation.schema.json': objectSchema({
    actions: {
      type: 'array',
      items: objectSchema({ action: { type: 'string' }, owner: { type: 'string' } }),
    },
    recovered: { type: 'boolean' },
  }),
  'step.schema.json': objectSchema({ step: { type: 'integer' }, note: { type: 'string' } }),
};

/**
 * @typedef {object} SubtaskSource
 * @property {number} number
 * @property {string} title
 * @property {string} prompt the template text above the OUTPUT FORMAT section
 * @property {'json' | 'markdown'} format
 * @property {string} example the OUTPUT FORMAT example
 * @property {string} [schema] schema file name under schemas/
 */

/**
 * @typedef {object} ChainSource
 * @property {string} id
 * @property {Record<string, unknown>} input
 * @property {SubtaskSource[]} subtasks
 * @property {Record<string, string>} aggregation
 * @property {(subtask: number) => string} reply the simulated model's canned reply
 */

/** @param {ChainSource} source */
export function chainMarkdown(source) {
  const frontMatter = [
    '---',
    'personas:',
    ...source.subtasks.map((subtask) => `  ${subtask.number}: bench-sre`),
    'schemas:',
    ...source.subtasks
      .filter((subtask) => subtask.schema)
      .map((subtask) => `  ${subtask.number}: ../schemas/${subtask.schema}`),
    '---',
  ];
  const subtasks = source.subtasks.flatMap((subtask) => [
    `### Subtask ${subtask.number}: ${subtask.title}`,
    '**Agent**: Site Reliability Engineer',
    '**Prompt**:',
    fence,
    subtask.prompt,
    '',
    `OUTPUT FORMAT (${subtask.format === 'json' ? 'JSON' : 'Markdown'}):`,
    `${fence}${subtask.format}`,
    subtask.example,
    fence,
    fence,
    '',
  ]);
  return [
    ...frontMatter,
    `# Benchmark chain ${source.id}`,
    '',
    '## Workflow Metadata',
    `- **Chain ID**: \`${source.id}\``,
    '- **Version**: `1.0.0`',
    '',
    '## Input Requirements',
    `${fence}json`,
    JSON.stringify(source.input, null, 2),
    fence,
    '',
    '## Subtasks',
    '',
    ...subtasks,
    '## Final Output Aggregation',
    `${fence}json`,
    JSON.stringify(source.aggregation, null, 2),
    fence,
    '',
  ].join('\n');
}

const incidentInput = {
  incident_id: 'INC-20251118-0142',
  service: 'checkout-api',
  alert: { name: 'CheckoutApiHigh5xxRatio', value: 0.117, threshold: 0.02 },
  symptoms: [
    'HikariPool-1 connection timeouts on every pod from 14:06Z',
    'orders-db-primary: FATAL too many clients already (53300)',
  ],
};

const incidentReplies = /** @type {Record<number, string>} */ ({
  1: JSON.stringify({
    severity: 'SEV-2',
    summary: 'checkout-api 5xx at 11.7% after v3.42.0 raised the pool size',
    affected: ['checkout-api', 'payments-worker'],
  }),
  2: `The evidence points at the pool change.\n\n${fence}json\n${JSON.stringify(
    {
      cause: 'pool size 14 x 26 pods exceeds max_connections 400',
      evidence: ['53300 in the Postgres log', 'HPA scaled to 26 pods'],
    },
    null,
    2,
  )}\n${fence}`,
  3: JSON.stringify({
    actions: [
      { action: 'roll back checkout-api to v3.41.2', owner: 'team-checkout' },
      { action: 'cap HPA at 20 replicas', owner: 'team-checkout' },
    ],
    recovered: true,
  }),
  4: '# Post-mortem\n\n## What happened\nPool exhaustion after v3.42.0.\n\n## Fix\nRollback; pool budget check in CI.',
});

/** @type {ChainSource} */
export const incidentChain = {
  id: 'bench-incident',
  input: incidentInput,
  subtasks: [
    {
      number: 1,
      title: 'Triage',
      prompt:
        'Incident {{incident_id}} on {{service}}: alert {{alert.name}} at {{alert.value}} (threshold {{alert.threshold}}).\nSymptoms:\n{{#each symptoms}}- {{this}}\n{{/each}}\nSize the incident.',
      format: 'json',
      example: '{ "severity": "SEV-2", "summary": "text", "affected": ["service"] }',
      schema: 'incident.triage.schema.json',
    },
    {
      number: 2,
      title: 'Root cause',
      prompt:
        'Severity {{subtask_1_output.severity}}: {{subtask_1_output.summary}}.\nAffected: {{join subtask_1_output.affected ", "}}\nFind the root cause from the evidence.',
      format: 'json',
      example: '{ "cause": "text", "evidence": ["text"] }',
      schema: 'incident.root-cause.schema.json',
    },
    {
      number: 3,
      title: 'Remediation',
      prompt:
        'Root cause: {{subtask_2_output.cause}}.\nEvidence:\n{{#each subtask_2_output.evidence}}- {{this}}\n{{/each}}\nPlan the remediation for {{service}} and validate recovery.',
      format: 'json',
      example: '{ "actions": [{ "action": "text", "owner": "team" }], "recovered": true }',
      schema: 'incident.remediation.schema.json',
    },
    {
      number: 4,
      title: 'Post-mortem',
      prompt:
        'Write the blameless post-mortem of {{incident_id}} ({{subtask_1_output.severity}}).\nCause: {{subtask_2_output.cause}}\nRecovered: {{subtask_3_output.recovered}}',
      format: 'markdown',
      example: '# Post-mortem\n## What happened\n## Fix',
    },
  ],
  aggregation: {
    incident_id: '{{incident_id}}',
    title: 'Incident {{incident_id}}',
    severity: '{{subtask_1_output.severity}}',
    summary: '{{subtask_1_output.summary}}',
    root_cause: '{{subtask_2_output}}',
    actions: '{{subtask_3_output.actions}}',
    postmortem_markdown: '{{subtask_4_output}}',
  },
  reply: (subtask) => incidentReplies[subtask] ?? '',
};

/**
 * One incident, one subtask (triage): the throughput row sends 200 of these through
 * a batch, one model request each.
 * @type {ChainSource}
 */
export const triageChain = {
  id: 'bench-triage',
  input: incidentInput,
  subtasks: [/** @type {SubtaskSource} */ (incidentChain.subtasks[0])],
  aggregation: {
    incident_id: '{{incident_id}}',
    severity: '{{subtask_1_output.severity}}',
    summary: '{{subtask_1_output.summary}}',
  },
  reply: (subtask) => incidentReplies[subtask] ?? '',
};

/**
 * @param {number} number
 * @param {string} title
 * @param {number[]} reads the subtasks whose output this one's prompt references
 * @returns {SubtaskSource}
 */
function step(number, title, reads) {
  const lines = reads.map((read) => `Step ${read} said: {{subtask_${read}_output.note}}`);
  return {
    number,
    title,
    prompt: [`Incident {{incident_id}}, step ${number} (${title}).`, ...lines].join('\n'),
    format: 'json',
    example: '{ "step": 1, "note": "text" }',
    schema: 'step.schema.json',
  };
}

/** @param {number} subtask */
const stepReply = (subtask) => `{"step": ${subtask}, "note": "step ${subtask} done"}`;

/** The DAG whose critical path is A → C → D (and, as long, A → B → E → F). */
export const dagChain = {
  id: 'bench-dag',
  input: { incident_id: 'INC-7' },
  subtasks: [
    step(1, 'A triage', []),
    step(2, 'B logs', [1]),
    step(3, 'C slow root cause', [1]),
    step(4, 'D remediation', [2, 3]),
    step(5, 'E comms draft', [2]),
    step(6, 'F status page', [5]),
  ],
  aggregation: { incident_id: '{{incident_id}}', remediation: '{{subtask_4_output.note}}' },
  reply: stepReply,
};

/**
 * @param {number} count
 * @returns {ChainSource}
 */
export function linearChain(count) {
  const subtasks = [];
  for (let number = 1; number <= count; number += 1) {
    subtasks.push(step(number, `Step ${number}`, number > 1 ? [number - 1] : []));
  }
  return {
    id: `bench-linear-${count}`,
    input: { incident_id: 'INC-9' },
    subtasks,
    aggregation: { incident_id: '{{incident_id}}', last: `{{subtask_${count}_output.note}}` },
    reply: stepReply,
  };
}

/**
 * @typedef {object} Workspace
 * @property {string} root
 * @property {(source: ChainSource) => Promise<import('../../dist/index.js').PreparedChain>} prepare
 * @property {(source: ChainSource) => Promise<string>} writeChain the chain file, not pre-flighted
 * @property {() => Promise<void>} remove
 */

/**
 * A temp folder with chains/, personas/ and schemas/ (the layout preflight expects).
 * @returns {Promise<Workspace>}
 */
export async function createWorkspace() {
  const root = await mkdtemp(join(tmpdir(), 'warroom-bench-'));
  for (const folder of ['chains', 'personas', 'schemas']) await mkdir(join(root, folder));
  await writeFile(join(root, 'personas', 'bench-sre.md'), persona);
  for (const [name, schema] of Object.entries(schemas)) {
    await writeFile(join(root, 'schemas', name), `${JSON.stringify(schema, null, 2)}\n`);
  }
  /** @param {ChainSource} source */
  const writeChain = async (source) => {
    const file = join(root, 'chains', `${source.id}.md`);
    await writeFile(file, chainMarkdown(source));
    return file;
  };
  return {
    root,
    writeChain,
    async prepare(source) {
      const file = await writeChain(source);
      const result = await preflight(await loadChain(file));
      if (!result.prepared) {
        const errors = result.diagnostics.filter((item) => item.severity === 'error');
        throw new Error(`pre-flight failed for ${source.id}: ${JSON.stringify(errors, null, 2)}`);
      }
      return result.prepared;
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
