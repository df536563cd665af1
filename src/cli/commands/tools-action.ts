/**
 * `warroom tools list|call`: how an operator checks a tool configuration before an
 * incident — every tool with its effect class and input schema, and one tool run
 * directly against the configured endpoints (write tools still need --approve).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { JsonValue, Tool } from '../../index.js';
import { type CliIo, warroomHome } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';
import { approvalsOf } from './confirm-write.js';
import { openTools } from './load-prepared.js';

interface ToolsOptions {
  config?: string;
  persona?: string;
  personasDir: string;
  json?: boolean;
}

interface CallOptions extends ToolsOptions {
  input: string;
  approve?: string;
}

async function personaAllowlist(
  io: CliIo,
  options: ToolsOptions,
): Promise<Set<string> | undefined> {
  if (!options.persona) return undefined;
  const { loadPersonas, WarroomError } = await import('../../index.js');
  const { personas } = await loadPersonas(resolve(io.cwd, options.personasDir));
  const persona = personas.get(options.persona);
  if (!persona) {
    throw new WarroomError({
      code: 'USAGE',
      message: `unknown persona "${options.persona}" (known: ${[...personas.keys()].join(', ')})`,
      userError: true,
    });
  }
  return new Set(persona.tools);
}

export async function listTools(io: CliIo, options: ToolsOptions): Promise<number> {
  const tools = await openTools(io, options);
  try {
    const allowed = await personaAllowlist(io, options);
    const shown = tools.registry.list().filter((tool) => !allowed || allowed.has(tool.name));
    if (options.json) {
      const document = shown.map(({ name, description, effect, inputSchema }) => ({
        name,
        effect,
        description,
        inputSchema,
      }));
      io.stdout(`${JSON.stringify(document, null, 2)}\n`);
      return exitCodes.ok;
    }
    for (const tool of shown) {
      io.stdout(`${tool.name}  [${tool.effect}]\n    ${tool.description.split('\n')[0]}\n`);
      io.stdout(`${JSON.stringify(tool.inputSchema, null, 2).replace(/^/gm, '    ')}\n`);
    }
    if (shown.length === 0) io.stdout('(no tools)\n');
    return exitCodes.ok;
  } finally {
    await tools.close();
  }
}

export async function callTool(io: CliIo, name: string, options: CallOptions): Promise<number> {
  const { createRedactor, createSchemaValidator, parseJson, WarroomError } = await import(
    '../../index.js'
  );
  const tools = await openTools(io, options);
  try {
    const allowed = await personaAllowlist(io, options);
    const tool: Tool | undefined = tools.registry.get(name);
    const usage = (message: string) =>
      new WarroomError({ code: 'USAGE', message, userError: true });
    if (!tool) throw usage(`unknown tool "${name}" (see warroom tools list)`);
    if (allowed && !allowed.has(name))
      throw usage(`persona "${options.persona}" may not use tool "${name}"`);
    if (tool.effect === 'write' && !approvalsOf(options.approve).has(name)) {
      throw usage(`${name} is a write tool: rerun with --approve ${name}`);
    }
    const parsed = parseJson(options.input);
    if (!parsed.ok)
      throw usage(
        `--input is not valid JSON: ${parsed.message} (line ${parsed.line}, column ${parsed.column})`,
      );
    const violations = createSchemaValidator().validate(tool.inputSchema, parsed.value);
    if (violations.length > 0) {
      throw usage(
        `--input does not match ${name}'s input schema: ${violations.map((v) => `${v.path}: ${v.message}`).join('; ')}`,
      );
    }
    const directory = join(
      resolve(io.cwd, warroomHome(io)),
      'tool-calls',
      new Date().toISOString().replace(/[:.]/g, '-'),
    );
    let output: JsonValue;
    try {
      output = await tool.run(parsed.value as JsonValue, {
        signal: AbortSignal.timeout(300_000),
        run: 'tools-call',
        subtask: 0,
        artifacts: {
          write: async (file, content) => {
            await mkdir(directory, { recursive: true });
            const path = join(directory, file.replace(/[^A-Za-z0-9._-]+/g, '-'));
            await writeFile(path, content);
            return path;
          },
        },
      });
    } catch (error) {
      // The tool's own failure (an unreachable endpoint, a PromQL error): what a model would see.
      io.stderr(
        `error: ${name} failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}\n`,
      );
      return exitCodes.runFailed;
    }
    io.stdout(`${JSON.stringify(createRedactor({ env: io.env }).redactValue(output), null, 2)}\n`);
    return exitCodes.ok;
  } finally {
    await tools.close();
  }
}
