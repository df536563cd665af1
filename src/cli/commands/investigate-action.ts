/**
 * `warroom investigate`: the war room in a terminal (readline: any terminal, SSH,
 * tmux). Lines come from the keyboard, or from `--script` (a rehearsal: the
 * engineer's lines, write confirmations included). Ctrl-C during a model call
 * cancels that call and keeps the session; a second Ctrl-C saves and leaves.
 *
 * A session played from hand-written turns (`--responses`) or recorded ones
 * (`--provider replay`) is a rehearsal: it starts the incident afresh under
 * `$WARROOM_HOME/rehearsals/`, so it sends exactly the requests it was recorded
 * with, and never touches the memory of the real incident.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type {
  BuiltinTools,
  IncidentMemory,
  Investigation,
  InvestigationEvent,
  JsonValue,
  ModelProvider,
  Persona,
  RunEvent,
  Tool,
  WarRoom,
} from '../../index.js';
import { type CliIo, shownPath, warroomHome } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';
import { approvalsOf } from './confirm-write.js';
import { openIncident, readSessionState, writeSessionState } from './investigate-incident.js';
import { keyboardLines, type LineSource, scriptLines } from './investigate-lines.js';
import { openTools } from './load-prepared.js';
import { printProgress } from './progress.js';
import { providersFor } from './providers.js';

interface InvestigateCliOptions {
  incident?: string;
  persona?: string;
  provider?: string;
  model?: string;
  baseUrl?: string;
  fixtures: string;
  record?: string;
  script?: string;
  responses?: string;
  config?: string;
  approve?: string;
  personasDir: string;
  chainsDir: string;
}

type Library = typeof import('../../index.js');

export default async function investigateAction(
  io: CliIo,
  given: InvestigateCliOptions,
): Promise<number> {
  const lib = await import('../../index.js');
  const options = checkedOptions(given, lib);
  // Read before anything starts, so a wrong path is a one-line error.
  const script = options.script ? await readScript(io, options.script, lib) : undefined;
  const tools = await openTools(io, options);
  try {
    return await investigate(io, options, tools, script, lib);
  } finally {
    await tools.close();
  }
}

/** `--responses` plays hand-written turns: it is `--provider hand-written`, and a rehearsal. */
function checkedOptions(options: InvestigateCliOptions, lib: Library): InvestigateCliOptions {
  const usage = (message: string) =>
    new lib.WarroomError({ code: 'USAGE', message, userError: true });
  if (options.responses) {
    if (options.provider && options.provider !== 'hand-written') {
      throw usage(`--responses plays hand-written turns: drop --provider ${options.provider}`);
    }
    if (!options.record) throw usage('--responses authors fixtures: say where with --record <dir>');
    return { ...options, provider: 'hand-written' };
  }
  if (options.provider === 'hand-written') {
    throw usage('--provider hand-written answers from --responses <dir>: pass it');
  }
  return options;
}

function isRehearsal(options: InvestigateCliOptions): boolean {
  return options.provider === 'replay' || options.provider === 'hand-written';
}

async function investigate(
  io: CliIo,
  options: InvestigateCliOptions,
  tools: BuiltinTools,
  script: { file: string; lines: string[] } | undefined,
  lib: Library,
): Promise<number> {
  const home = resolve(io.cwd, warroomHome(io));
  const clock = () => new Date();
  const redactor = lib.createRedactor({ env: io.env });
  const memory = await openIncident(
    io,
    {
      ...(options.incident ? { incident: options.incident } : {}),
      rehearsal: isRehearsal(options),
    },
    { home, clock, redactor },
    lib,
  );
  try {
    return await enterRoom(io, options, tools, lib, { memory, home, clock, redactor, script });
  } finally {
    memory.close();
  }
}

async function enterRoom(
  io: CliIo,
  options: InvestigateCliOptions,
  tools: BuiltinTools,
  lib: Library,
  context: {
    memory: IncidentMemory;
    home: string;
    clock: () => Date;
    redactor: import('../../index.js').Redactor;
    script: { file: string; lines: string[] } | undefined;
  },
): Promise<number> {
  const { memory, home, clock, redactor, script } = context;
  const registry = await lib.loadPersonas(resolve(io.cwd, options.personasDir));
  if (registry.personas.size === 0) {
    throw new lib.WarroomError({
      code: 'USAGE',
      message: `no personas in ${options.personasDir}; pass --personas-dir`,
      userError: true,
    });
  }
  const stateFile = join(memory.directory, 'session.json');
  const state = await readSessionState(stateFile);
  const persona = firstPersona(
    registry.personas,
    options.persona,
    state.persona ?? memory.lastPersona,
    lib,
  );
  const providers = await sessionProviders(io, options, lib);
  /** The exchange in progress, which Ctrl-C cancels. */
  const control: { current: AbortController | undefined } = { current: undefined };
  /** Reads a line; one the terminal did not echo is shown (and transcribed) as typed. */
  const read = async (prompt: string, signal?: AbortSignal, fresh = false) => {
    const entered = await source.next(prompt, signal, { fresh });
    if (entered === undefined) return undefined;
    if (!entered.echoed) room.show(entered.shown);
    return entered.text;
  };
  const investigation: Investigation = new lib.Investigation(
    {
      memory,
      personas: registry.personas,
      providers,
      overrides: {
        ...(options.provider ? { provider: options.provider } : {}),
        ...(options.model ? { modelId: options.model } : {}),
      },
      tools: tools.registry,
      approvals: approvalsOf(options.approve),
      confirm: (tool, input) => confirmWrite(room, read, tool, input, control.current?.signal),
      ...(options.provider === 'replay'
        ? {
            recordedToolResults: lib.recordedToolResults(
              await lib.readFixtureDirectory(resolve(io.cwd, options.fixtures)),
            ),
          }
        : {}),
      redactor,
      clock,
      exchanges: state.exchanges,
      onEvent: (event) => room.show(describe(event)),
    },
    persona,
  );
  const room: WarRoom = new lib.WarRoom(investigation, {
    show: (text) => source.print(text),
    displayPath: (path) => shownPath(io, path),
    runChain: (chain, input, signal) =>
      runChainFromRoom(io, { chain, input, options, providers, tools, home, room, signal }),
  });
  // A line the terminal echoes goes to the transcript as it is entered, in screen order.
  const source = script
    ? scriptLines(io, script.file, script.lines)
    : keyboardLines(io, (shown) => room.transcribe(shown));
  const save = () =>
    writeSessionState(stateFile, {
      exchanges: investigation.exchanges,
      persona: investigation.persona.id,
    });
  room.show(
    `incident ${memory.incident.id} — ${persona.name} (${persona.id}) is in the room; /help lists the commands`,
  );
  if (isRehearsal(options)) {
    room.show(
      `(a rehearsal: the incident starts afresh in ${shownPath(io, memory.directory)}; its own memory is untouched)`,
    );
  }
  try {
    return await converse({
      room,
      source,
      read,
      save,
      script: script !== undefined,
      io,
      memory,
      control,
    });
  } finally {
    source.close();
    await save();
  }
}

/**
 * The session's loop: a line, its handling, the state saved, until /quit, the end
 * of input, or two Ctrl-Cs in a row. Ctrl-C during a call (`control.current`)
 * cancels it; at the prompt it says how to leave. A script stops at a line that fails.
 */
async function converse(session: {
  room: WarRoom;
  source: LineSource;
  read: (prompt: string) => Promise<string | undefined>;
  save: () => Promise<void>;
  script: boolean;
  io: CliIo;
  memory: IncidentMemory;
  control: { current: AbortController | undefined };
}): Promise<number> {
  const { room, source, control } = session;
  let interrupts = 0;
  const stopListening = source.onInterrupt(() => {
    interrupts += 1;
    if (interrupts >= 2) {
      control.current?.abort();
      source.close();
      return;
    }
    if (control.current) control.current.abort();
    else room.show('(Ctrl-C again to save and leave)');
  });
  try {
    for (;;) {
      const line = await session.read(room.prompt);
      if (line === undefined) break;
      if (line.trim() !== '') interrupts = 0;
      control.current = new AbortController();
      const outcome = await room.handle(line, control.current.signal);
      control.current = undefined;
      await session.save();
      if (outcome === 'quit') return exitCodes.ok;
      // A rehearsal that goes off its script would only pile errors on errors.
      if (session.script && (outcome === 'usage-error' || outcome === 'failed')) {
        room.show(`script stopped at ${source.where()}`);
        room.show(`saved: ${shownPath(session.io, session.memory.directory)}`);
        return outcome === 'usage-error' ? exitCodes.usage : exitCodes.runFailed;
      }
      if (interrupts >= 2) break;
    }
    room.show(`saved: ${shownPath(session.io, session.memory.directory)}`);
    return exitCodes.ok;
  } finally {
    stopListening();
  }
}

/**
 * The providers of a session. `--responses <dir>` authors a rehearsal: hand-written
 * model turns (named by exchange and turn) recorded into `--record`, tools running for real.
 */
async function sessionProviders(
  io: CliIo,
  options: InvestigateCliOptions,
  lib: Library,
): Promise<Map<string, ModelProvider>> {
  const providers = await providersFor(io, options);
  if (!options.responses || !options.record) return providers;
  providers.set(
    'hand-written',
    lib.createRecordingProvider(
      lib.createHandWrittenProvider({ responsesDir: resolve(io.cwd, options.responses) }),
      { fixturesDir: resolve(io.cwd, options.record), provenance: 'hand-written' },
    ),
  );
  return providers;
}

async function readScript(
  io: CliIo,
  file: string,
  lib: Library,
): Promise<{ file: string; lines: string[] }> {
  const text = await readFile(resolve(io.cwd, file), 'utf8').catch((cause: unknown) => {
    throw new lib.WarroomError({
      code: 'USAGE',
      message: `--script ${file}: cannot read it (${cause instanceof Error && 'code' in cause ? String(cause.code) : String(cause)})`,
      userError: true,
      cause,
    });
  });
  return { file, lines: text.split('\n') };
}

/** `--persona` wins; else where the engineer left the incident; else sre. */
function firstPersona(
  personas: ReadonlyMap<string, Persona>,
  wanted: string | undefined,
  lastUsed: string | undefined,
  lib: Library,
): Persona {
  if (wanted) {
    const persona = personas.get(wanted);
    if (persona) return persona;
    throw new lib.WarroomError({
      code: 'USAGE',
      message: `--persona ${wanted}: no such persona (known: ${[...personas.keys()].join(', ')})`,
      userError: true,
    });
  }
  const last = lastUsed ? personas.get(lastUsed) : undefined;
  return last ?? personas.get('sre') ?? (personas.values().next().value as Persona);
}

function describe(event: InvestigationEvent): string {
  switch (event.type) {
    case 'thinking':
      return `  … ${event.persona} (${event.model})`;
    case 'tool-start':
      return `  ⚙ ${event.tool} ${event.input.length > 200 ? `${event.input.slice(0, 197)}…` : event.input}`;
    case 'tool-end':
      // A failed call's summary starts with its status (refused: …, error: …).
      return event.status === 'ok'
        ? `  ✓ ${event.tool} → ${event.summary}`
        : `  ✗ ${event.tool} ${event.summary}`;
    case 'retry':
      return `  ↻ ${event.reason}; retrying in ${(event.delayMs / 1000).toFixed(1)} s`;
    case 'notice':
      return `  ${event.text}`;
  }
}

/** y/N with the exact action shown; the answer is the next line (typed, or the script's). */
async function confirmWrite(
  room: WarRoom,
  read: (prompt: string, signal?: AbortSignal, fresh?: boolean) => Promise<string | undefined>,
  tool: Tool,
  input: JsonValue,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  room.show(
    `  write tool ${tool.name} wants to run with:\n${JSON.stringify(input, null, 2).replace(/^/gm, '    ')}`,
  );
  // Only an answer typed after the question: a line typed ahead was not about this call.
  const answer = await read('  allow? [y/N] ', signal, true);
  return /^y(es)?$/i.test((answer ?? '').trim());
}

/** `/run <chain>`: the engine's run on the incident, with progress lines. */
async function runChainFromRoom(
  io: CliIo,
  context: {
    chain: string;
    input: Record<string, JsonValue>;
    options: InvestigateCliOptions;
    providers: Map<string, ModelProvider>;
    tools: BuiltinTools;
    home: string;
    room: WarRoom;
    signal?: AbortSignal;
  },
): Promise<string> {
  const lib = await import('../../index.js');
  const { options, room } = context;
  const chainFile = await lib.findChain(context.chain, resolve(io.cwd, options.chainsDir), io.cwd);
  const text = JSON.stringify(context.input, null, 2);
  const result = await lib.preflight(await lib.loadChain(chainFile), {
    input: { value: context.input, file: '<war room>', text, line: 1 },
    tools: context.tools.registry,
  });
  if (!result.prepared) {
    const first = result.diagnostics.find((diagnostic) => diagnostic.severity === 'error');
    return `chain ${context.chain} refused the incident: ${first ? lib.formatDiagnostic(first) : 'pre-flight failed'}`;
  }
  const replay = options.provider === 'replay';
  // Progress goes through the room, so it is in the transcript before it is shown.
  const progress: CliIo = { ...io, stderr: (line) => room.show(line.replace(/\n$/, '')) };
  const run = await lib.runChain({
    prepared: result.prepared,
    providers: context.providers,
    overrides: {
      ...(options.provider ? { provider: options.provider } : {}),
      ...(options.model ? { modelId: options.model } : {}),
    },
    home: context.home,
    tools: context.tools.registry,
    approvals: approvalsOf(options.approve),
    ...(replay
      ? {
          recordedToolResults: lib.recordedToolResults(
            await lib.readFixtureDirectory(resolve(io.cwd, options.fixtures)),
          ),
        }
      : {}),
    ...(context.signal ? { signal: context.signal } : {}),
    onEvent: (event: RunEvent) => printProgress(progress, event),
  });
  const report = run.reportFiles ? `; report ${shownPath(io, run.reportFiles.markdown)}` : '';
  return `run ${run.status}: ${shownPath(io, run.directory)}${report}`;
}
