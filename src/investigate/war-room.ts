/**
 * The war room's command line, without the terminal: each line the engineer types
 * is a message to the current persona or a slash command. Everything shown is
 * also appended to the incident's transcript.md before it is shown, so a crash
 * loses nothing already on the screen. The CLI (readline, Ctrl-C, scripts) drives
 * it, and puts the engineer's own lines in the transcript as the screen shows them
 * (`show` for a script's line, `transcribe` for one the terminal already echoed).
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeSeverity } from '../chain/index.js';
import { WarroomError } from '../errors.js';
import type { JsonValue } from '../schema/index.js';
import { type MemoryKind, memoryKinds } from './incident-memory.js';
import { writeIncidentRecord } from './incident-record.js';
import type { Investigation } from './investigation.js';

/**
 * How a line ended: `usage-error` is the engineer's mistake (a bad command),
 * `failed` an exchange that could not finish (provider down, fixture miss). Both
 * were shown; an interactive session goes on, a script stops.
 */
export type LineOutcome = 'continue' | 'quit' | 'usage-error' | 'failed';

export interface WarRoomOptions {
  /** Shows one block of text to the engineer. */
  show: (text: string) => void;
  /** A path as the engineer would type it (relative to where they are). */
  displayPath?: (path: string) => string;
  /**
   * `/run <chain>`: runs a chain on the incident with what the room established, and
   * says how it went (the CLI's engine run with progress). Absent: /run is unavailable.
   */
  runChain?: (
    chain: string,
    input: Record<string, JsonValue>,
    signal?: AbortSignal,
  ) => Promise<string>;
}

const help = `Type a message to talk to the current persona. Commands:
  /persona <id>      hand the incident to another persona (it gets a hand-off from memory)
  /personas, /tools  what is available
  /note <text>       record a finding of your own
  /recall <words>    search the memory (add kind:<finding|hypothesis|decision|note|tool-result|…>)
  /timeline          the incident timeline so far
  /severity <SEV-n>  set the severity (SEV-1..SEV-4 or P0..P3)
  /run <chain>       run a chain on the incident and everything established so far
  /report            write the incident record (report.md, report.json)
  /quit              save and leave (the incident resumes with: warroom investigate --incident <id>)`;

export class WarRoom {
  readonly #transcript: string;

  constructor(
    readonly investigation: Investigation,
    private readonly options: WarRoomOptions,
  ) {
    this.#transcript = join(investigation.memory.directory, 'transcript.md');
  }

  /** What the engineer types after: the current persona's id. */
  get prompt(): string {
    return `${this.investigation.persona.id}> `;
  }

  /** Shows text, after appending it to the transcript. */
  show(text: string): void {
    this.transcribe(text);
    this.options.show(text);
  }

  /** Appends to the transcript what is already on the screen (a line the terminal echoed). */
  transcribe(text: string): void {
    // Redacted like every file warroom writes: a key pasted into a /note stays off disk.
    appendFileSync(this.#transcript, `${this.investigation.redactText(text)}\n`);
  }

  /**
   * Handles one line; `quit` when the engineer leaves. Errors a person can fix, and
   * exchanges that fail, are shown, not thrown; a cancel (the signal) is shown too.
   */
  async handle(line: string, signal?: AbortSignal): Promise<LineOutcome> {
    const text = line.trim();
    if (text === '') return 'continue';
    try {
      if (!text.startsWith('/')) {
        const reply = await this.investigation.ask(text, signal);
        this.show(`${this.investigation.persona.id}: ${reply.trim()}`);
        return 'continue';
      }
      return await this.command(text, signal);
    } catch (error) {
      // By the signal, not the error's name: a tool cut short throws its own error.
      if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) {
        this.show('(cancelled; the session goes on)');
        return 'continue';
      }
      if (!WarroomError.isInstance(error)) throw error;
      this.show(`error: ${error.message.split('\n')[0]}`);
      return error.userError ? 'usage-error' : 'failed';
    }
  }

  private async command(text: string, signal?: AbortSignal): Promise<LineOutcome> {
    const [name = '', ...rest] = text.slice(1).split(/\s+/);
    const argument = rest.join(' ').trim();
    const { investigation } = this;
    const memory = investigation.memory;
    switch (name) {
      case 'persona': {
        const id = need(argument, '/persona <id>');
        if (id === investigation.persona.id) {
          this.show(`already talking to ${investigation.persona.name} (${id})`);
          return 'continue';
        }
        const persona = investigation.switchTo(id);
        this.show(
          `now talking to ${persona.name} (${persona.id}); tools: ${investigation.toolNames().join(', ')}`,
        );
        return 'continue';
      }
      case 'personas':
        this.show(this.personaList());
        return 'continue';
      case 'tools':
        this.show(investigation.toolNames().join(', '));
        return 'continue';
      case 'note': {
        const entry = memory.record({
          kind: 'note',
          text: need(argument, '/note <text>'),
          source: 'engineer',
        });
        this.show(`noted (#${entry.seq})`);
        return 'continue';
      }
      case 'recall':
        this.show(this.recall(need(argument, '/recall <words>')));
        return 'continue';
      case 'timeline':
        this.show(this.timeline());
        return 'continue';
      case 'severity': {
        const severity = normalizeSeverity(need(argument, '/severity <SEV-n>'));
        if (!severity) throw usage(`"${argument}" is not a severity: SEV-1..SEV-4 or P0..P3`);
        memory.record({ kind: 'severity', text: severity, source: 'engineer' });
        this.show(`severity set to ${severity}`);
        return 'continue';
      }
      case 'run': {
        if (!this.options.runChain) throw usage('/run is not available in this session');
        const chain = need(argument, '/run <chain>');
        const summary = await this.options.runChain(chain, this.chainInput(), signal);
        memory.record({ kind: 'run', text: `${chain}: ${summary}`, source: 'session' });
        this.show(summary);
        return 'continue';
      }
      case 'report': {
        const written = await writeIncidentRecord(investigation, signal);
        this.show(
          `incident record (${written.record.status}): ${this.path(written.markdown)}\n  root cause: ${written.record.root_cause}`,
        );
        return 'continue';
      }
      case 'quit':
      case 'exit':
        this.show(`saved: ${this.path(memory.directory)}`);
        return 'quit';
      case 'help':
        this.show(help);
        return 'continue';
      default:
        throw usage(`unknown command /${name}; /help lists them`);
    }
  }

  private path(path: string): string {
    return this.options.displayPath?.(path) ?? path;
  }

  private personaList(): string {
    const current = this.investigation.persona.id;
    return [...this.investigation.personaIds()]
      .map(
        (persona) =>
          `${persona.id === current ? '*' : ' '} ${persona.id.padEnd(28)} ${persona.name}`,
      )
      .join('\n');
  }

  private recall(argument: string): string {
    const kindMatch = /(?:^|\s)kind:(\S+)/.exec(argument);
    const kind = kindMatch?.[1] as MemoryKind | undefined;
    if (kind && !memoryKinds.includes(kind))
      throw usage(`kind:${kind}: one of ${memoryKinds.join(', ')}`);
    const words = argument.replace(/(?:^|\s)kind:\S+/, '').trim();
    const found = this.investigation.memory.recall(words, kind);
    if (found.length === 0) return `nothing in memory matches "${argument}"`;
    return found
      .slice(0, 15)
      .map((entry) => `#${entry.seq} ${entry.kind} [${entry.persona ?? 'engineer'}] ${entry.text}`)
      .join('\n');
  }

  /** The incident's own times and what the room recorded, in time order. */
  timeline(): string {
    const memory = this.investigation.memory;
    const incident = memory.incident.value;
    const rows: Array<{ at: string; text: string }> = [];
    const at = (value: JsonValue | undefined) => (typeof value === 'string' ? value : undefined);
    const detected = at(incident.detected_at);
    if (detected) rows.push({ at: detected, text: 'incident detected' });
    const alert = incident.alert as Record<string, JsonValue> | undefined;
    const fired = at(alert?.fired_at);
    if (fired) rows.push({ at: fired, text: `alert ${String(alert?.name ?? '')} fired` });
    for (const change of (incident.recent_changes as Array<Record<string, JsonValue>>) ?? []) {
      const changed = at(change.at);
      if (changed)
        rows.push({ at: changed, text: `change: ${String(change.description ?? change.id)}` });
    }
    for (const entry of memory.entries) {
      if (entry.kind === 'tool-result') continue;
      rows.push({
        at: entry.at,
        text: `${entry.kind} [${entry.persona ?? 'engineer'}] ${entry.text}`,
      });
    }
    // By instant, not by text: the incident's times and the room's differ in precision.
    rows.sort((a, b) => instant(a.at) - instant(b.at) || 0);
    if (rows.length === 0) return 'nothing on the timeline yet';
    return rows.map((row) => `${row.at.replace(/\.\d+Z$/, 'Z')}  ${row.text}`).join('\n');
  }

  /** The incident with what the room established, for a chain run (`war_room` in templates). */
  chainInput(): Record<string, JsonValue> {
    const memory = this.investigation.memory;
    const of = (kind: MemoryKind) =>
      memory.entries
        .filter((entry) => entry.kind === kind)
        .map((entry) => ({ persona: entry.persona ?? 'engineer', text: entry.text }));
    return {
      ...memory.incident.value,
      war_room: {
        severity: memory.severity ?? null,
        findings: of('finding'),
        hypotheses: of('hypothesis'),
        decisions: of('decision'),
        actions: of('action'),
        notes: of('note'),
      },
    };
  }
}

/** Milliseconds since the epoch; a time that does not parse goes first. */
function instant(at: string): number {
  const parsed = Date.parse(at);
  return Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
}

function need(argument: string, form: string): string {
  if (argument === '') throw usage(`usage: ${form}`);
  return argument;
}

function usage(message: string): WarroomError {
  return new WarroomError({ code: 'USAGE', message, userError: true });
}
