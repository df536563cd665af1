/**
 * The tools every persona gets in the war room: write to and read from the
 * incident's memory. They change nothing outside the incident's own record, so
 * they need no approval, and they run even when a session is played back from
 * fixtures — the memory is rebuilt exactly as it was recorded.
 */
import type { Tool } from '../tools/index.js';
import type { IncidentMemory, MemoryKind } from './incident-memory.js';

const recordable: MemoryKind[] = ['finding', 'hypothesis', 'decision', 'action', 'metric'];

export const memoryToolNames = ['record_finding', 'recall_memory'] as const;

export function memoryTools(memory: IncidentMemory, persona: () => string): Tool[] {
  return [
    {
      name: 'record_finding',
      description:
        'Records one fact the war room has established (or a hypothesis, a decision, an action taken, a metric snapshot) in the incident memory, with the evidence it rests on. The next persona is told what the memory holds.',
      inputSchema: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'text'],
        properties: {
          kind: { type: 'string', enum: recordable },
          text: { type: 'string', minLength: 1, description: 'One fact, in one or two sentences.' },
          evidence: {
            type: 'string',
            description: 'Where it comes from: a query and its value, a log line, a commit.',
          },
        },
      },
      // Local to the incident's record: it changes nothing in production.
      effect: 'read',
      async run(input) {
        const { kind, text, evidence } = input as {
          kind: MemoryKind;
          text: string;
          evidence?: string;
        };
        const entry = memory.record({
          kind,
          text: evidence ? `${text} (evidence: ${evidence})` : text,
          persona: persona(),
          source: 'persona',
        });
        return { recorded: entry.seq, kind };
      },
    },
    {
      name: 'recall_memory',
      description:
        'Searches the incident memory (findings, hypotheses, decisions, notes, tool results) for entries containing every given word; optionally only one kind. Newest and best matches first.',
      inputSchema: {
        type: 'object',
        additionalProperties: false,
        required: ['query'],
        properties: {
          query: { type: 'string', minLength: 1 },
          kind: { type: 'string', enum: [...recordable, 'note', 'tool-result'] },
        },
      },
      effect: 'read',
      async run(input) {
        const { query, kind } = input as { query: string; kind?: MemoryKind };
        return memory
          .recall(query, kind)
          .slice(0, 20)
          .map((entry) => ({
            seq: entry.seq,
            kind: entry.kind,
            persona: entry.persona ?? 'engineer',
            text: entry.text,
          }));
      },
    },
  ];
}
