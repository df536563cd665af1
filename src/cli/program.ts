/**
 * The commander program. Each command registers its options here and imports its
 * action on demand, so `warroom --help` loads no SDK, parser or template engine.
 */
import { Command, CommanderError, Option } from 'commander';
import { WarroomError } from '../errors.js';
import { type CliIo, processIo } from './cli-io.js';
import { CliExit, exitCodes } from './exit-codes.js';

export interface GlobalOptions {
  debug?: boolean;
}

type Action<A extends unknown[]> = (io: CliIo, ...args: A) => Promise<number>;

function lazy<A extends unknown[]>(io: CliIo, load: () => Promise<{ default: Action<A> }>) {
  return async (...args: A) => {
    const { default: action } = await load();
    const code = await action(io, ...args);
    if (code !== 0) throw new CliExit(code);
  };
}

/** A repeatable option's values, in order. */
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const integer = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new WarroomError({
      code: 'USAGE',
      message: `expected a whole number, got "${value}"`,
      userError: true,
    });
  return parsed;
};

const amount = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0)
    throw new WarroomError({
      code: 'USAGE',
      message: `expected a non-negative number, got "${value}"`,
      userError: true,
    });
  return parsed;
};

/** Per-run hard limits; running out stops the run (status stopped), and `resume` continues it. */
function addBudgetOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--max-tokens <n>',
        'stop the run past this many tokens (input + output)',
      ).argParser(integer),
    )
    .addOption(
      new Option(
        '--max-cost <usd>',
        'stop the run past this cost in US dollars (list prices)',
      ).argParser(amount),
    )
    .addOption(
      new Option('--max-tool-calls <n>', 'stop the run past this many tool calls').argParser(
        integer,
      ),
    );
}

export function addRunChainOptions(command: Command, io: CliIo): Command {
  addBudgetOptions(command);
  return command
    .option(
      '-c, --chain <path|chain-id>',
      "chain file, or a chain id found in --chains-dir (default: the config's routes pick one by severity)",
    )
    .option(
      '-i, --input <file|json>',
      "incident input: a JSON file or inline JSON (default: the chain's example)",
    )
    .option(
      '-p, --provider <id>',
      'provider for every subtask: anthropic, openai, replay (plays back fixtures)',
    )
    .option('-m, --model <id>', 'model id for every subtask')
    .option(
      '--base-url <url>',
      'endpoint for --provider (an OpenAI-compatible server: Ollama, vLLM, LM Studio, Azure…)',
    )
    .option('-f, --fixtures <dir>', 'recorded fixtures for --provider replay', 'fixtures/replay')
    .option(
      '--record <dir>',
      'record every exchange into this fixtures directory, and the case for `warroom test`',
    )
    .option(
      '--rerecord <n,…>',
      'with --record: record only these subtasks (and their dependents), replay the rest',
    )
    .option('--case <name>', 'case name for --record (default: the input file name)')
    .option('--approve <tool,…>', 'write tools this run may use without asking')
    .option(
      '--decide <id=option>',
      'answer a decision point (3=rollback) or a write approval (3:create_pull_request=approve|deny); repeatable',
      collect,
    )
    .option('--config <file>', 'tool endpoints (default: ./warroom.config.yaml when present)')
    .option('-o, --out <dir>', 'run directory (default: $WARROOM_HOME/runs/<run-id>)')
    .option('--chains-dir <dir>', 'where chain ids are looked up', 'chains')
    .option('--personas-dir <dir>', "persona files (default: personas/ beside the chain's folder)")
    .option('--schemas-dir <dir>', "schema files (default: schemas/ beside the chain's folder)")
    .addOption(
      new Option('--concurrency <n>', 'subtasks run at once').argParser(integer).default(4),
    )
    .addOption(
      new Option(
        '--repair-attempts <n>',
        'times an invalid output is sent back for repair',
      ).argParser(integer),
    )
    .addOption(
      new Option(
        '--max-attempts <n>',
        'attempts per model call, retries included (default 4)',
      ).argParser(integer),
    )
    .addOption(
      new Option('--timeout <seconds>', 'per-call timeout (default 180)').argParser(integer),
    )
    .addOption(
      new Option(
        '--max-retry-wait <seconds>',
        'longest retry-after to honour; longer fails the call (default 60)',
      ).argParser(integer),
    )
    .option('--no-stream', 'call models without streaming')
    .option('--json', 'print the run result as JSON on stdout')
    .addOption(
      new Option(
        '--json-events',
        'stream every run event as one JSON line on stdout (result lines go to stderr)',
      ).conflicts('json'),
    )
    .option('-q, --quiet', 'no progress lines')
    .action(lazy(io, () => import('./commands/run-chain-action.js')));
}

export function createProgram(io: CliIo): Command {
  const program = new Command('warroom')
    .description(
      'Runs incident-response prompt chains: triage → root cause → remediation → post-mortem → one report.',
    )
    .option('--debug', 'show stack traces and error causes')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  addRunChainOptions(
    program.command('run-chain').description('run a chain on an incident and write the report'),
    io,
  );
  addBudgetOptions(
    program
      .command('resume')
      .description('continue a crashed, killed or stopped run from its directory')
      .argument('<run>', 'run id (under $WARROOM_HOME/runs/) or run directory')
      .option('-p, --provider <id>', 'provider for every subtask (default: as the run was started)')
      .option('-m, --model <id>', 'model id for every subtask (default: as the run was started)')
      .option('--base-url <url>', 'endpoint for --provider (default: as the run was started)')
      .option(
        '-f, --fixtures <dir>',
        'recorded fixtures for --provider replay (default: as started)',
      )
      .option('--config <file>', 'tool endpoints (default: as the run was started)')
      .option(
        '--approve <tool,…>',
        'write tools this resume may use, including a write a crash left unfinished (never carried over)',
      )
      .option(
        '--decide <id=option>',
        'answer what the run is awaiting: 3=rollback, 3:create_pull_request=approve|deny; repeatable',
        collect,
      )
      .addOption(new Option('--concurrency <n>', 'subtasks run at once').argParser(integer))
      .addOption(
        new Option('--repair-attempts <n>', 'times an invalid output is sent back').argParser(
          integer,
        ),
      )
      .addOption(new Option('--max-attempts <n>', 'attempts per model call').argParser(integer))
      .addOption(new Option('--timeout <seconds>', 'per-call timeout').argParser(integer))
      .addOption(
        new Option('--max-retry-wait <seconds>', 'longest retry-after to honour').argParser(
          integer,
        ),
      )
      .option('--stream', 'call models through their streaming API')
      .option('--no-stream', 'call models without streaming'),
  )
    .option('--json', 'print the run result as JSON on stdout')
    .option('-q, --quiet', 'no progress lines')
    .action(lazy(io, () => import('./commands/resume-action.js')));
  program
    .command('runs')
    .description('list the runs under $WARROOM_HOME/runs, newest first, with their status')
    .option('--json', 'print as JSON')
    .action(lazy(io, () => import('./commands/runs-action.js')));
  program
    .command('validate')
    .description('check a chain and its input without calling any model')
    .argument('<chain>', 'chain file or chain id')
    .option('-i, --input <file|json>', "input to check (default: the chain's example)")
    .option('--json', 'print the parsed chain and diagnostics as one JSON document')
    .option('--config <file>', 'tool endpoints (default: ./warroom.config.yaml when present)')
    .option('--chains-dir <dir>', 'where chain ids are looked up', 'chains')
    .option('--personas-dir <dir>', "persona files (default: personas/ beside the chain's folder)")
    .option('--schemas-dir <dir>', "schema files (default: schemas/ beside the chain's folder)")
    .action(lazy(io, () => import('./commands/validate-action.js')));
  program
    .command('list')
    .description('list the chains and personas found')
    .option('--chains-dir <dir>', 'chains folder', 'chains')
    .option('--personas-dir <dir>', 'personas folder', 'personas')
    .option('--json', 'print as JSON')
    .action(lazy(io, () => import('./commands/list-action.js')));
  program
    .command('test')
    .description(
      'replay every recorded case of a chain and fail on any drift from its recorded report',
    )
    .argument('<chain>', 'chain file or chain id')
    .option(
      '-f, --fixtures <dir>',
      'fixtures directory holding <chain-id>/<case>/case.json',
      'fixtures/replay',
    )
    .option('--chains-dir <dir>', 'where chain ids are looked up', 'chains')
    .option('--personas-dir <dir>', "persona files (default: personas/ beside the chain's folder)")
    .option('--schemas-dir <dir>', "schema files (default: schemas/ beside the chain's folder)")
    .action(lazy(io, () => import('./commands/test-action.js')));
  program
    .command('personas')
    .description('list the personas with their model and tools')
    .option('--personas-dir <dir>', 'personas folder', 'personas')
    .option('--json', 'print as JSON')
    .action(lazy(io, () => import('./commands/personas-action.js')));
  const tools = program
    .command('tools')
    .description('list the tools, or call one to check a configuration');
  tools
    .command('list')
    .description('each tool with its effect class (read/write) and input schema')
    .option('--persona <id>', "only the persona's allowed tools")
    .option('--personas-dir <dir>', 'personas folder', 'personas')
    .option('--config <file>', 'config file (default: ./warroom.config.yaml when present)')
    .option('--json', 'print as JSON')
    .action(lazy(io, () => import('./commands/tools-list-action.js')));
  tools
    .command('call')
    .description('run one tool against the configured endpoints and print its result as JSON')
    .argument('<name>', 'tool name')
    .requiredOption('-i, --input <json>', 'tool input as JSON')
    .option('--persona <id>', "refuse tools outside this persona's allowlist")
    .option('--personas-dir <dir>', 'personas folder', 'personas')
    .option('--approve <tool,…>', 'write tools this call may run')
    .option('--config <file>', 'config file (default: ./warroom.config.yaml when present)')
    .action(lazy(io, () => import('./commands/tools-call-action.js')));
  tools
    .command('pin')
    .description('forget the pinned definition of an MCP tool (after reviewing its change)')
    .requiredOption('--reset <server__tool|server>', 'the tool, or every tool of a server')
    .action(lazy(io, () => import('./commands/tools-pin-action.js')));
  program
    .command('investigate')
    .description(
      'the live war room: talk to a persona, switch personas mid-incident, keep the incident memory, write the record',
    )
    .option(
      '--incident <file|id>',
      'incident JSON to start (or re-enter) by its incident_id, or the id of one under $WARROOM_HOME/incidents',
    )
    .option('--persona <id>', 'persona to start with (default: the last one, else sre)')
    .option(
      '-p, --provider <id>',
      'anthropic, openai, or replay (plays back --fixtures: a rehearsal, which starts the incident afresh under $WARROOM_HOME/rehearsals)',
    )
    .option('-m, --model <id>', 'model id for every persona')
    .option('--base-url <url>', 'endpoint for --provider (an OpenAI-compatible server)')
    .option('-f, --fixtures <dir>', 'recorded fixtures for --provider replay', 'fixtures/replay')
    .option('--record <dir>', 'record every exchange into this fixtures directory')
    .option(
      '--script <file>',
      "the engineer's lines, one per line, y/N answers included (no keyboard; stops at the first line that fails)",
    )
    .option(
      '--responses <dir>',
      'author a rehearsal: hand-written model turns (subtask-<N>.md, subtask-<N>-turn-<T>.md|json; N counts exchanges) recorded into --record; implies --provider hand-written',
    )
    .option('--approve <tool,…>', 'write tools the session may use without asking')
    .option('--config <file>', 'tool endpoints (default: ./warroom.config.yaml when present)')
    .option('--personas-dir <dir>', 'persona files', 'personas')
    .option('--chains-dir <dir>', 'where /run looks chains up', 'chains')
    .action(lazy(io, () => import('./commands/investigate-action.js')));
  program
    .command('simulate')
    .description(
      'run the incident simulator (Prometheus metrics of a checkout service) for the live demo',
    )
    .addOption(new Option('--port <n>', 'port on 127.0.0.1').argParser(integer).default(9464))
    .addOption(
      new Option('--incident <name>', 'start in this state')
        .choices(['none', 'db-pool-exhaustion'])
        .default('none'),
    )
    .action(lazy(io, () => import('./commands/simulate-action.js')));
  const fixtures = program.command('fixtures').description('manage replay fixtures');
  fixtures
    .command('rekey')
    .description(
      'recompute the keys of fixture files from their stored requests (after editing one by hand)',
    )
    .argument('<dir>', 'fixtures directory')
    .action(lazy(io, () => import('./commands/fixtures-rekey-action.js')));
  fixtures
    .command('author')
    .description(
      'turn hand-written replies (subtask-N.md) into replay fixtures keyed on the real rendered prompts',
    )
    .requiredOption('-c, --chain <path|chain-id>', 'chain file or id')
    .requiredOption('-i, --input <file|json>', 'incident input')
    .requiredOption('-r, --responses <dir>', 'folder of subtask-N.md / subtask-N-turn-T.md replies')
    .option('-f, --fixtures <dir>', 'fixtures directory to write', 'fixtures/replay')
    .option('--case <name>', 'case name (default: the input file name)')
    .option('--config <file>', 'tool endpoints the tools really call while authoring')
    .option('--approve <tool,…>', 'write tools the authored run may use')
    .option(
      '--decide <id=option>',
      'answer decision points and write approvals of the authored run (3:create_pull_request=deny); repeatable',
      collect,
    )
    .option('--chains-dir <dir>', 'where chain ids are looked up', 'chains')
    .action(lazy(io, () => import('./commands/fixtures-author-action.js')));
  return program;
}

/** Runs the CLI and returns the exit code; never calls process.exit itself. */
export async function runCli(
  argv: string[],
  io: CliIo = processIo(),
  build = createProgram,
): Promise<number> {
  const program = build(io);
  try {
    await program.parseAsync(argv);
    return exitCodes.ok;
  } catch (error) {
    return handleError(error, io, argv.includes('--debug'));
  }
}

function handleError(error: unknown, io: CliIo, debug: boolean): number {
  if (error instanceof CliExit) return error.exitCode;
  if (error instanceof CommanderError) {
    return error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.exitCode === 0
      ? exitCodes.ok
      : exitCodes.usage;
  }
  if (WarroomError.isInstance(error)) {
    io.stderr(`error: ${error.located}\n`);
    if (debug) printCauses(io, error);
    return error.userError ? exitCodes.usage : exitCodes.runFailed;
  }
  io.stderr(
    `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return exitCodes.runFailed;
}

function printCauses(io: CliIo, error: Error): void {
  io.stderr(`${error.stack ?? ''}\n`);
  let cause: unknown = error.cause;
  while (cause) {
    io.stderr(
      `caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}\n`,
    );
    cause = cause instanceof Error ? cause.cause : undefined;
  }
}
