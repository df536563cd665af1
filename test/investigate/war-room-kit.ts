/**
 * What the war room's unit tests share: a throw-away $WARROOM_HOME, two small
 * personas with different prompts and tools, a clock the test moves, a scripted
 * model that records every call, and a WarRoom over them whose screen is a list.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedactor } from '../../src/fixture/index.js';
import {
  IncidentMemory,
  Investigation,
  type InvestigationEvent,
  type InvestigationOptions,
  WarRoom,
} from '../../src/investigate/index.js';
import { type Persona, parsePersona } from '../../src/persona/index.js';
import type { JsonValue } from '../../src/provider/spec.js';
import { type Tool, ToolRegistry } from '../../src/tools/index.js';
import { createScriptedModel, type Script, type ScriptedModel } from '../engine/scripted-model.js';

export const incident: Record<string, JsonValue> = {
  incident_id: 'INC-TEST-1',
  title: 'checkout-api out of database connections',
  detected_at: '2025-11-18T14:14:30Z',
  alert: { name: 'CheckoutApiHigh5xxRatio', fired_at: '2025-11-18T14:14:30Z' },
  recent_changes: [
    { id: 'CHG-1', description: 'pool size 10 -> 14', at: '2025-11-18T13:52:10Z' },
    { id: 'CHG-2', description: 'retry backoff 2 s -> 1 s', at: '2025-11-18T13:58:00Z' },
  ],
};

function persona(id: string, name: string, tools: string[], prompt: string): Persona {
  const source = `---\nid: ${id}\nname: ${name}\nmodel:\n  provider: scripted\n  modelId: model-${id}\ntools: [${tools.join(', ')}]\n---\n${prompt}\n`;
  const parsed = parsePersona(source, `${id}.md`);
  if (!parsed.persona) throw new Error(JSON.stringify(parsed.diagnostics));
  return parsed.persona;
}

export const personas = new Map<string, Persona>([
  ['sre', persona('sre', 'Site Reliability Engineer', ['read_metrics'], 'You run the incident.')],
  [
    'backend-engineer',
    persona('backend-engineer', 'Backend Engineer', ['create_branch'], 'You read the code.'),
  ],
]);

/** A read tool and a write tool that count their runs. */
export function countingTools(): { tools: Tool[]; runs: string[] } {
  const runs: string[] = [];
  const tool = (name: string, effect: 'read' | 'write'): Tool => ({
    name,
    description: `${name} for tests`,
    effect,
    inputSchema: {
      type: 'object',
      properties: { target: { type: 'string' } },
      required: ['target'],
      additionalProperties: false,
    },
    async run(input) {
      runs.push(name);
      return { done: name, input };
    },
  });
  return { tools: [tool('read_metrics', 'read'), tool('create_branch', 'write')], runs };
}

export class TestClock {
  constructor(private time: number) {}
  readonly now = () => new Date(this.time);
  advance(ms: number): void {
    this.time += ms;
  }
}

export async function makeHome(): Promise<{ home: string; remove: () => Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), 'warroom-investigate-'));
  return { home, remove: () => rm(home, { recursive: true, force: true }) };
}

export interface Room {
  room: WarRoom;
  memory: IncidentMemory;
  model: ScriptedModel;
  screen: string[];
  /** Text that reached the screen before it was in transcript.md (should stay empty). */
  notTranscribed: string[];
  runs: string[];
  events: InvestigationEvent[];
  clock: TestClock;
  transcript(): string;
}

export async function openRoom(options: {
  home: string;
  script?: Script;
  clock?: TestClock;
  extra?: Partial<InvestigationOptions>;
  start?: string;
}): Promise<Room> {
  const clock = options.clock ?? new TestClock(Date.parse('2025-11-18T14:20:00.000Z'));
  const redactor = createRedactor({ env: {} });
  const memory = await IncidentMemory.open({
    home: options.home,
    id: String(incident.incident_id),
    incident,
    redactor,
    clock: clock.now,
  });
  const model = createScriptedModel('scripted', options.script);
  const { tools, runs } = countingTools();
  const events: InvestigationEvent[] = [];
  const investigation = new Investigation(
    {
      memory,
      personas,
      providers: new Map([['scripted', model]]),
      tools: new ToolRegistry(tools),
      redactor,
      clock: clock.now,
      onEvent: (event) => events.push(event),
      ...options.extra,
    },
    personas.get(options.start ?? 'sre') as Persona,
  );
  const screen: string[] = [];
  const notTranscribed: string[] = [];
  const transcriptFile = join(memory.directory, 'transcript.md');
  const room = new WarRoom(investigation, {
    show: (text) => {
      if (!readFileSync(transcriptFile, 'utf8').includes(text)) notTranscribed.push(text);
      screen.push(text);
    },
  });
  return {
    room,
    memory,
    model,
    screen,
    notTranscribed,
    runs,
    events,
    clock,
    transcript: () => readFileSync(transcriptFile, 'utf8'),
  };
}
