/**
 * The tool session of a live run: the persona's allowlist, input validation
 * against each tool's schema, the approval gate for write tools, and the call
 * itself. Every tool problem becomes an error result the model can act on.
 */
import type { JsonValue, ToolCallPart } from '../provider/spec.js';
import {
  createSchemaValidator,
  formatViolations,
  parseJson,
  type SchemaValidator,
} from '../schema/index.js';
import type { Tool, ToolContext, ToolRegistry } from '../tools/index.js';
import {
  type ToolCallContext,
  type ToolCallOutcome,
  type ToolSession,
  toolDataResult,
  toolErrorResult,
} from './tool-session.js';

/** What every call's `ToolContext` shares; the session adds the signal, turn and call id. */
export type ToolContextBase = Omit<ToolContext, 'signal' | 'turn' | 'toolCallId'>;

/** The write call a confirmation is about. */
export interface WriteCall {
  toolCallId: string;
  turn: number;
}

export interface LiveToolSessionOptions {
  registry: ToolRegistry;
  /** The persona's allowlist. */
  allowed: readonly string[];
  /** Write tools the operator approved for the whole run (`--approve <name>`). */
  approvals: ReadonlySet<string>;
  /**
   * Asks the operator about one write call that is not approved; absent means refuse.
   * It may throw a SubtaskPause when the answer has to wait for a later process.
   */
  confirm?: (tool: Tool, input: JsonValue, call: WriteCall) => Promise<boolean>;
  context: ToolContextBase;
  /** Validates tool inputs; defaults to a fresh one. */
  validator?: SchemaValidator;
  /** Milliseconds, for durations; defaults to `performance.now`. */
  now?: () => number;
}

export function createLiveToolSession(options: LiveToolSessionOptions): ToolSession {
  const allowed = new Set(options.allowed);
  const validator = options.validator ?? createSchemaValidator();
  const now = options.now ?? (() => performance.now());
  const definitions = options.registry.definitionsFor(allowed);
  const available = definitions.map((definition) => definition.name);

  const refused = (call: ToolCallPart, reason: string, tool?: Tool): ToolCallOutcome => ({
    result: toolErrorResult(call, 'refused', reason),
    status: 'refused',
    ...(tool ? { effect: tool.effect } : {}),
    reason,
    durationMs: 0,
  });
  const failed = (call: ToolCallPart, tool: Tool, reason: string, durationMs = 0) => ({
    result: toolErrorResult(call, 'error', reason),
    status: 'error' as const,
    effect: tool.effect,
    reason,
    durationMs,
  });

  async function execute(call: ToolCallPart, context: ToolCallContext): Promise<ToolCallOutcome> {
    context.signal?.throwIfAborted();
    const tool = allowed.has(call.toolName) ? options.registry.get(call.toolName) : undefined;
    if (tool === undefined) return refused(call, notAvailable(call.toolName, available));
    const input = parseInput(call.input);
    if (!input.ok) return failed(call, tool, `the input is not valid JSON: ${input.message}`);
    const violations = validator.validate(tool.inputSchema, input.value);
    if (violations.length > 0) {
      const listed = formatViolations(violations);
      return failed(call, tool, `the input does not match the tool's input schema:\n${listed}`);
    }
    if (tool.effect === 'write' && !options.approvals.has(tool.name)) {
      if (options.confirm === undefined) {
        const hint = `write tool ${tool.name} needs approval: rerun with --approve ${tool.name}`;
        return refused(call, hint, tool);
      }
      const asked = { toolCallId: call.toolCallId, turn: context.turn };
      if (!(await options.confirm(tool, input.value, asked))) {
        return refused(call, `the operator declined to run write tool ${tool.name}`, tool);
      }
    }
    return run(call, tool, input.value, context);
  }

  async function run(
    call: ToolCallPart,
    tool: Tool,
    input: JsonValue,
    context: ToolCallContext,
  ): Promise<ToolCallOutcome> {
    const signal = context.signal ?? new AbortController().signal;
    const toolContext: ToolContext = {
      ...options.context,
      signal,
      turn: context.turn,
      toolCallId: call.toolCallId,
    };
    const started = now();
    let data: JsonValue;
    try {
      data = await tool.run(input, toolContext);
    } catch (error) {
      // Cancellation is the run's, not the tool's: it ends the subtask.
      if (signal.aborted) throw error;
      return failed(call, tool, `the tool failed: ${messageOf(error)}`, now() - started);
    }
    const durationMs = now() - started;
    const json = asJson(data);
    if (!json.ok) return failed(call, tool, json.message, durationMs);
    return {
      result: toolDataResult(call, json.value),
      status: 'ok',
      effect: tool.effect,
      durationMs,
    };
  }

  return { definitions, execute };
}

function notAvailable(name: string, available: readonly string[]): string {
  const offer =
    available.length === 0
      ? 'this persona has no tools'
      : `the tools available are: ${available.join(', ')}`;
  return `tool ${JSON.stringify(name)} is not available to this persona; ${offer}`;
}

type InputResult = { ok: true; value: JsonValue } | { ok: false; message: string };

/** Some providers send an empty string for a call without arguments. */
function parseInput(text: string): InputResult {
  if (text.trim() === '') return { ok: true, value: {} };
  const parsed = parseJson(text);
  if (parsed.ok) return parsed;
  return { ok: false, message: `${parsed.message} (line ${parsed.line}, column ${parsed.column})` };
}

/** A tool's result as plain JSON (dates become strings, undefined becomes null). */
function asJson(data: unknown): InputResult {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (error) {
    return {
      ok: false,
      message: `the tool returned a value that is not JSON: ${messageOf(error)}`,
    };
  }
  if (text === undefined) return { ok: true, value: null };
  const parsed = parseJson(text);
  return parsed.ok ? parsed : { ok: false, message: 'the tool returned a value that is not JSON' };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
