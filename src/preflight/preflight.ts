/**
 * Pre-flight: every static check of a chain and its input, as diagnostics, all
 * reported at once; and, when nothing is wrong, the prepared chain the engine
 * runs (parsed templates, personas, schemas, dependency order). Runs nothing.
 */
import { dirname, join, resolve } from 'node:path';
import {
  buildDependencyGraph,
  type Chain,
  type DependencyGraph,
  type ParsedChain,
  type Subtask,
} from '../chain/index.js';
import { type Diagnostic, WarroomError } from '../errors.js';
import { loadPersonas, matchPersona, type Persona } from '../persona/index.js';
import {
  createSchemaValidator,
  type JsonSchema,
  loadSchemaFile,
  type SchemaValidator,
} from '../schema/index.js';
import {
  type JsonTemplate,
  jsonTemplateReferences,
  parseJsonTemplate,
  parseTemplate,
} from '../template/index.js';
import type { Template } from '../template/template.js';
import {
  type ChainInput,
  checkInput,
  exampleInput,
  type InputSchema,
  resolveInputSchema,
} from './chain-input.js';
import { checkConditionalDependencies, severityDependencies } from './conditional-subtasks.js';
import { checkDecisionPoints } from './decision-points.js';
import { checkReferences } from './reference-check.js';
import { resolveSubtaskOutput, type SubtaskOutput } from './subtask-output.js';

export interface PreflightOptions {
  /** Default: `personas/` beside the chain's folder. */
  personasDir?: string;
  /** Default: `schemas/` beside the chain's folder. */
  schemasDir?: string;
  /** The run's input; the Input Requirements example when absent. */
  input?: ChainInput;
  validator?: SchemaValidator;
  /** The tools a run can offer; a persona listing another tool is an error. None: no tools. */
  tools?: { has(name: string): boolean };
}

export interface PreparedSubtask {
  subtask: Subtask;
  persona: Persona;
  template: Template;
  output: SubtaskOutput;
  dependencies: number[];
}

export interface PreparedChain {
  chain: Chain;
  input: ChainInput;
  inputSchema: InputSchema;
  subtasks: Map<number, PreparedSubtask>;
  graph: DependencyGraph;
  aggregation?: JsonTemplate;
  reportSchema?: { schema: JsonSchema; file: string };
  validator: SchemaValidator;
}

export interface PreflightResult {
  diagnostics: Diagnostic[];
  /** Present only when there is no error. */
  prepared?: PreparedChain;
}

export async function preflight(
  parsed: ParsedChain,
  options: PreflightOptions = {},
): Promise<PreflightResult> {
  const diagnostics = [...parsed.diagnostics];
  const chain = parsed.chain;
  if (!chain) return { diagnostics };
  const root = dirname(dirname(resolve(chain.file)));
  const schemasDir = options.schemasDir ?? join(root, 'schemas');
  const validator = options.validator ?? createSchemaValidator();
  const registry = await loadPersonas(options.personasDir ?? join(root, 'personas'));
  diagnostics.push(...registry.diagnostics);

  const inputSchema = await resolveInputSchema(chain, schemasDir, validator, diagnostics);
  const input = options.input ?? exampleInput(chain, diagnostics);
  if (input) diagnostics.push(...checkInput(input, inputSchema, validator));
  else if (!chain.inputExample) {
    diagnostics.push(
      error(
        chain.file,
        1,
        'INPUT_MISSING',
        'no --input given and the chain has no ## Input Requirements example',
      ),
    );
  }

  const outputs = new Map<number, SubtaskOutput>();
  for (const subtask of chain.subtasks) {
    outputs.set(
      subtask.number,
      await resolveSubtaskOutput(chain, subtask, schemasDir, validator, diagnostics),
    );
  }
  const prepared = new Map<number, PreparedSubtask>();
  const references = new Map<number, number[]>();
  for (const subtask of chain.subtasks) {
    const persona = resolvePersona(chain, subtask, registry.personas, diagnostics);
    if (persona) checkPersonaTools(chain, subtask, persona, options.tools, diagnostics);
    const template = parseSubtaskTemplate(chain, subtask, diagnostics);
    const output = outputs.get(subtask.number) as SubtaskOutput;
    let referenced: number[] = [];
    if (template) {
      const checked = checkReferences(template.references, {
        file: chain.file,
        consumer: subtask.number,
        outputs,
        inputSchema,
        decisions: decisionPoints(chain),
        ...(subtask.inputVariables ? { declared: subtask.inputVariables.names } : {}),
      });
      diagnostics.push(...checked.diagnostics);
      referenced = checked.dependsOn;
    }
    checkDeclaredOutputs(chain, subtask, output, diagnostics);
    checkDependsOn(chain, subtask, outputs, diagnostics);
    references.set(subtask.number, [...referenced, ...subtask.dependsOn]);
    if (persona && template) {
      prepared.set(subtask.number, { subtask, persona, template, output, dependencies: [] });
    }
  }
  const gates = severityDependencies(
    chain,
    { outputs, inputSchema, ...(input ? { input } : {}) },
    diagnostics,
  );
  const graph = buildDependencyGraph(
    chain.subtasks.map((subtask) => ({
      number: subtask.number,
      dependsOn: [...(references.get(subtask.number) ?? []), ...(gates.get(subtask.number) ?? [])],
    })),
  );
  checkConditionalDependencies(chain, graph.dependencies, diagnostics);
  checkDecisionPoints(chain, outputs, inputSchema, diagnostics);
  for (const cycle of graph.cycles) {
    const first = chain.subtasks.find((subtask) => subtask.number === cycle[0]);
    diagnostics.push(
      error(
        chain.file,
        first?.line ?? 1,
        'DEPENDENCY_CYCLE',
        `dependency cycle: ${cycle.map((n) => `subtask ${n}`).join(' → ')}`,
      ),
    );
  }
  for (const [number, item] of prepared) item.dependencies = graph.dependencies.get(number) ?? [];

  const aggregation = parseAggregation(chain, outputs, inputSchema, diagnostics);
  const reportSchema = await resolveReportSchema(chain, validator, diagnostics);
  const failed = diagnostics.some((diagnostic) => diagnostic.severity === 'error');
  if (failed || !input) return { diagnostics };
  return {
    diagnostics,
    prepared: {
      chain,
      input,
      inputSchema,
      subtasks: prepared,
      graph,
      ...(aggregation ? { aggregation } : {}),
      ...(reportSchema ? { reportSchema } : {}),
      validator,
    },
  };
}

function decisionPoints(chain: Chain): Set<number> {
  return new Set(chain.subtasks.filter((s) => s.decision).map((s) => s.number));
}

function error(file: string, line: number, code: string, message: string): Diagnostic {
  return { file, line, severity: 'error', code, message };
}

function asDiagnostic(cause: unknown, fallback: { file: string; line: number }): Diagnostic {
  if (WarroomError.isInstance(cause)) {
    return error(
      cause.context.file ?? fallback.file,
      cause.context.line ?? fallback.line,
      cause.code,
      cause.message,
    );
  }
  throw cause;
}

function resolvePersona(
  chain: Chain,
  subtask: Subtask,
  personas: Map<string, Persona>,
  diagnostics: Diagnostic[],
): Persona | undefined {
  const known = [...personas.keys()].join(', ') || 'none';
  if (subtask.persona) {
    const persona = personas.get(subtask.persona.text);
    if (!persona) {
      diagnostics.push(
        error(
          chain.file,
          subtask.persona.line,
          'PERSONA_MISSING',
          `subtask ${subtask.number}: persona "${subtask.persona.text}" not found (known: ${known})`,
        ),
      );
    }
    return persona;
  }
  if (!subtask.agent) return undefined;
  const persona = matchPersona(subtask.agent.text, personas);
  if (!persona) {
    diagnostics.push(
      error(
        chain.file,
        subtask.agent.line,
        'PERSONA_MISSING',
        `subtask ${subtask.number}: no persona matches agent "${subtask.agent.text}" (known: ${known}); name one in the front matter (personas: {${subtask.number}: <id>}) or add an alias`,
      ),
    );
  }
  return persona;
}

function parseSubtaskTemplate(
  chain: Chain,
  subtask: Subtask,
  diagnostics: Diagnostic[],
): Template | undefined {
  if (!subtask.prompt) return undefined;
  try {
    return parseTemplate(subtask.prompt.text, {
      file: chain.file,
      line: subtask.prompt.line,
      subtask: subtask.number,
    });
  } catch (cause) {
    diagnostics.push(asDiagnostic(cause, { file: chain.file, line: subtask.prompt.line }));
    return undefined;
  }
}

function checkDeclaredOutputs(
  chain: Chain,
  subtask: Subtask,
  output: SubtaskOutput,
  diagnostics: Diagnostic[],
): void {
  const declared = subtask.outputVariables;
  const properties = output.schema?.properties;
  if (!declared || output.kind !== 'json' || !properties || typeof properties !== 'object') return;
  for (const name of declared.names) {
    if (name in properties) continue;
    diagnostics.push({
      file: chain.file,
      line: declared.line,
      severity: 'warning',
      code: 'OUTPUT_UNDECLARED',
      message: `subtask ${subtask.number}: declared output "${name}" is not in its ${output.schemaSource === 'file' ? 'output schema' : 'OUTPUT FORMAT example'}`,
    });
  }
}

function checkDependsOn(
  chain: Chain,
  subtask: Subtask,
  outputs: Map<number, SubtaskOutput>,
  diagnostics: Diagnostic[],
): void {
  for (const number of subtask.dependsOn) {
    if (outputs.has(number) && number !== subtask.number) continue;
    diagnostics.push(
      error(
        chain.file,
        subtask.line,
        'DEPENDS_ON_UNKNOWN',
        `subtask ${subtask.number}: depends_on names subtask ${number}, which ${number === subtask.number ? 'is itself' : 'the chain does not define'}`,
      ),
    );
  }
}

function parseAggregation(
  chain: Chain,
  outputs: Map<number, SubtaskOutput>,
  inputSchema: InputSchema,
  diagnostics: Diagnostic[],
): JsonTemplate | undefined {
  const source = chain.aggregation;
  if (!source) return undefined;
  try {
    const template = parseJsonTemplate(source.text, { file: chain.file, line: source.line });
    const checked = checkReferences(jsonTemplateReferences(template), {
      file: chain.file,
      consumer: undefined,
      outputs,
      inputSchema,
      decisions: decisionPoints(chain),
    });
    diagnostics.push(...checked.diagnostics);
    return template;
  } catch (cause) {
    diagnostics.push(asDiagnostic(cause, { file: chain.file, line: source.line }));
    return undefined;
  }
}

async function resolveReportSchema(
  chain: Chain,
  validator: SchemaValidator,
  diagnostics: Diagnostic[],
): Promise<{ schema: JsonSchema; file: string } | undefined> {
  const declared = chain.reportSchemaPath;
  if (!declared) return undefined;
  const path = resolve(dirname(chain.file), declared.text);
  const loaded = await loadSchemaFile(path, { validator, id: path });
  if (loaded.ok) return { schema: loaded.schema, file: path };
  const diagnostic = loaded.diagnostic;
  diagnostics.push(
    diagnostic.code === 'SCHEMA_MISSING'
      ? {
          ...diagnostic,
          file: chain.file,
          line: declared.line,
          message: `report schema file not found: ${declared.text} (resolved to ${path})`,
        }
      : diagnostic,
  );
  return undefined;
}

function checkPersonaTools(
  chain: Chain,
  subtask: Subtask,
  persona: Persona,
  tools: PreflightOptions['tools'],
  diagnostics: Diagnostic[],
): void {
  for (const tool of persona.tools) {
    if (tools?.has(tool)) continue;
    diagnostics.push(
      error(
        chain.file,
        subtask.persona?.line ?? subtask.agent?.line ?? subtask.line,
        'TOOL_UNKNOWN',
        `subtask ${subtask.number}: persona "${persona.id}" lists tool "${tool}", which ${tools ? 'is not registered' : 'is not available: no tools are registered for this run'} (${persona.file})`,
      ),
    );
  }
}
