/**
 * `/report`: the incident record. The current persona writes the parts that need
 * judgement (status, summary, impact, root cause, next steps, action items) from
 * what the memory holds, as JSON checked against a schema (one repair turn); the
 * timeline, the actions taken and the decisions come from the memory itself, so
 * they are exactly what happened in the room. Written as report.json and report.md
 * in the incident's folder.
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runSubtask } from '../agent/index.js';
import type { JsonValue } from '../provider/spec.js';
import { createSchemaValidator, type JsonSchema } from '../schema/index.js';
import { handOff } from './handoff.js';
import type { MemoryEntry } from './incident-memory.js';
import type { Investigation } from './investigation.js';

/** What the persona writes (OpenAI strict-mode compatible: every field required). */
export const incidentRecordSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['status', 'summary', 'impact', 'root_cause', 'next_steps', 'action_items'],
  properties: {
    status: { type: 'string', enum: ['investigating', 'mitigated', 'monitoring', 'resolved'] },
    summary: { type: 'string', description: 'Three sentences at most: what broke, for whom, now.' },
    impact: { type: 'string', description: 'Who and what was affected, with numbers from memory.' },
    root_cause: {
      type: 'string',
      description:
        'The cause the evidence supports, or "not established" and the leading hypothesis.',
    },
    next_steps: { type: 'array', items: { type: 'string' } },
    action_items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['action', 'owner', 'priority'],
        properties: {
          action: { type: 'string' },
          owner: {
            type: 'string',
            description: 'A team or role; a person only if the memory names one.',
          },
          priority: { type: 'string', enum: ['P0', 'P1', 'P2', 'P3'] },
        },
      },
    },
  },
};

export interface IncidentRecord {
  incident_id: string;
  title: string;
  severity: string | null;
  status: string;
  summary: string;
  impact: string;
  root_cause: string;
  timeline: Array<{ at: string; persona: string; kind: string; text: string }>;
  actions_taken: string[];
  decisions: string[];
  next_steps: string[];
  action_items: Array<{ action: string; owner: string; priority: string }>;
  personas: string[];
}

/** Asks the current persona for the record's judgement parts and writes both files. */
export async function writeIncidentRecord(
  investigation: Investigation,
  signal?: AbortSignal,
): Promise<{ record: IncidentRecord; json: string; markdown: string }> {
  const memory = investigation.memory;
  const exchange = investigation.nextExchange();
  const validator = createSchemaValidator();
  const answer = await runSubtask({
    run: investigation.label,
    subtask: exchange,
    model: investigation.languageModel(),
    system: investigation.systemPrompt(),
    prompt: [
      `Write the incident record for ${memory.incident.id} from what the war room has established:`,
      '',
      ...handOff(memory),
      '',
      'Use only what is above; where it does not say, write "not established". Reply with the JSON object only.',
    ].join('\n'),
    output: { kind: 'json', schema: incidentRecordSchema },
    responseFormat: { type: 'json', schema: incidentRecordSchema, name: 'incident_record' },
    sampling: {},
    repairAttempts: 1,
    validator,
    ...(signal ? { signal } : {}),
  });
  const written = answer.output as Record<string, JsonValue>;
  const entries = memory.entries;
  const incident = memory.incident.value;
  const record: IncidentRecord = {
    incident_id: memory.incident.id,
    title: typeof incident.title === 'string' ? incident.title : memory.incident.id,
    severity: memory.severity ?? null,
    status: String(written.status),
    summary: String(written.summary),
    impact: String(written.impact),
    root_cause: String(written.root_cause),
    timeline: entries
      .filter((entry) => entry.kind !== 'tool-result' && entry.kind !== 'report')
      .map((entry) => ({
        at: entry.at,
        persona: entry.persona ?? 'engineer',
        kind: entry.kind,
        text: entry.text,
      })),
    actions_taken: entries.filter(isAction).map((entry) => entry.text),
    decisions: entries.filter((entry) => entry.kind === 'decision').map((entry) => entry.text),
    next_steps: (written.next_steps as string[]) ?? [],
    action_items: (written.action_items as IncidentRecord['action_items']) ?? [],
    personas: [...new Set(entries.map((entry) => entry.persona).filter(isString))],
  };
  const json = join(memory.directory, 'report.json');
  const markdown = join(memory.directory, 'report.md');
  await writeFile(json, `${JSON.stringify(record, null, 2)}\n`);
  await writeFile(markdown, renderIncidentRecord(record));
  memory.record({
    kind: 'report',
    text: `incident record written (status ${record.status})`,
    persona: investigation.persona.id,
    source: 'session',
    data: { json, markdown },
  });
  return { record, json, markdown };
}

/**
 * Actions taken: recorded as such, and every write tool call — one that was refused
 * or failed too, since its entry says so (`→ refused: …`): the record shows what was
 * tried on production, not only what went through.
 */
function isAction(entry: MemoryEntry): boolean {
  if (entry.kind === 'action') return true;
  const data = entry.data;
  if (entry.kind !== 'tool-result' || data === null || typeof data !== 'object') return false;
  return !Array.isArray(data) && data.effect === 'write';
}

function isString(value: string | undefined): value is string {
  return value !== undefined;
}

export function renderIncidentRecord(record: IncidentRecord): string {
  const list = (items: string[]) =>
    items.length > 0 ? items.map((item) => `- ${item}`) : ['_None recorded._'];
  const lines = [
    `# ${record.title} (${record.incident_id})`,
    '',
    `**Status:** ${record.status} · **Severity:** ${record.severity ?? 'not set'} · **Personas:** ${record.personas.join(', ') || '—'}`,
    '',
    '## Summary',
    '',
    record.summary,
    '',
    '## Impact',
    '',
    record.impact,
    '',
    '## Root cause',
    '',
    record.root_cause,
    '',
    '## Timeline',
    '',
    '| Time (UTC) | Who | What |',
    '| --- | --- | --- |',
    ...record.timeline.map(
      (entry) =>
        `| ${entry.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')} | ${entry.persona} | ${entry.kind}: ${entry.text.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
    ),
    '',
    '## Actions taken',
    '',
    ...list(record.actions_taken),
    '',
    '## Decisions',
    '',
    ...list(record.decisions),
    '',
    '## Next steps',
    '',
    ...list(record.next_steps),
    '',
    '## Action items',
    '',
    ...(record.action_items.length > 0
      ? [
          '| Action | Owner | Priority |',
          '| --- | --- | --- |',
          ...record.action_items.map(
            (item) => `| ${item.action} | ${item.owner} | ${item.priority} |`,
          ),
        ]
      : ['_None recorded._']),
    '',
  ];
  return lines.join('\n');
}
