/**
 * Write tools across crashes. Before a write tool runs, a `tool-call-start` event
 * {subtask, turn, toolCallId, tool, inputHash} is appended to the run log; the
 * `tool-call` event with its result follows when it returns. A start with no result
 * means the process died while the tool ran: it may or may not have changed the
 * world (a pull request opened, a service restarted).
 *
 * The choice on resume: the unfinished subtask starts over (its model is called
 * again — it never finished), but when the model asks for that same write again
 * (same tool, same input hash) it is refused, with a result telling the model the
 * earlier attempt's outcome is unknown and an operator must check it. Running it
 * again silently could do the thing twice; assuming it happened could leave it
 * undone. Only the operator knows, so only the operator can unlock it: passing
 * `--approve <tool>` again on resume (approvals are never carried over from the
 * original run) lets the call run. An interactive confirmation does not unlock it.
 * A call with a different input is a different action and goes through the usual
 * approval rules.
 */
import { createHash } from 'node:crypto';
import { type ToolCallOutcome, toolErrorResult } from '../agent/index.js';
import type { ToolCallPart } from '../provider/spec.js';
import { type JsonValue, parseJson } from '../schema/index.js';
import { type Tool, type ToolContext, ToolRegistry } from '../tools/index.js';
import type { RunLog } from './run-log.js';

export interface InDoubtWrite {
  subtask: number;
  tool: string;
  toolCallId: string;
  inputHash: string;
  /** Where its `tool-call-start` sits in events.jsonl. */
  line?: number;
}

/** JSON with object keys sorted, so equal inputs hash equal whatever their key order. */
function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function inputHash(input: JsonValue): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

/** The hash of a tool call's raw arguments, or undefined when they are not JSON. */
export function callInputHash(call: ToolCallPart): string | undefined {
  if (call.input.trim() === '') return inputHash({});
  const parsed = parseJson(call.input);
  return parsed.ok ? inputHash(parsed.value) : undefined;
}

/** The registry with each write tool announcing itself (`onStart`) before it runs. */
export function journaledRegistry(
  registry: ToolRegistry,
  onStart: (tool: Tool, input: JsonValue, context: ToolContext) => Promise<void>,
): ToolRegistry {
  return new ToolRegistry(
    registry.list().map((tool): Tool => {
      if (tool.effect !== 'write') return tool;
      return {
        name: tool.name,
        description: tool.description,
        inputSchema: tool.inputSchema,
        effect: tool.effect,
        run: async (input, context) => {
          await onStart(tool, input, context);
          return tool.run(input, context);
        },
      };
    }),
  );
}

/**
 * Write calls a crash left unresolved, in subtasks that are not done. A start is
 * resolved by a `tool-call` for the same call in the same process's stretch of the
 * log (a `run-start`/`run-resume` begins each); for one action (subtask, tool,
 * input) only its latest start counts, so an approved re-run that finished resolves it.
 */
export function findInDoubtWrites(log: RunLog, done: ReadonlySet<number>): InDoubtWrite[] {
  const latest = new Map<string, { write: InDoubtWrite; resolved: boolean }>();
  let open = new Map<string, { resolved: boolean }>();
  log.events.forEach((event, index) => {
    if (event.type === 'run-start' || event.type === 'run-resume') open = new Map();
    if (event.type === 'tool-call-start') {
      const entry = {
        write: {
          subtask: event.subtask,
          tool: event.tool,
          toolCallId: event.toolCallId,
          inputHash: event.inputHash,
          ...(log.lines[index] ? { line: log.lines[index] } : {}),
        },
        resolved: false,
      };
      latest.set(`${event.subtask}\u0000${event.tool}\u0000${event.inputHash}`, entry);
      open.set(`${event.subtask}\u0000${event.toolCallId}`, entry);
    }
    if (event.type === 'tool-call') {
      const entry = open.get(`${event.subtask}\u0000${event.toolCallId}`);
      if (entry) entry.resolved = true;
    }
  });
  return [...latest.values()]
    .filter((entry) => !entry.resolved && !done.has(entry.write.subtask))
    .map((entry) => entry.write);
}

/** The refusal the model gets for a write whose earlier attempt's outcome is unknown. */
export function inDoubtRefusal(call: ToolCallPart, write: InDoubtWrite): ToolCallOutcome {
  const where = write.line ? ` (events.jsonl line ${write.line})` : '';
  const reason = `write tool ${write.tool} was already called with this input before the run was interrupted${where}, and the outcome of that attempt is unknown: it may or may not have taken effect. It was not run again. An operator must check whether it took effect; to run it again, resume with --approve ${write.tool}. Continue without it and say in your answer that this action needs an operator's check.`;
  return {
    result: toolErrorResult(call, 'refused', reason),
    status: 'refused',
    effect: 'write',
    reason,
    durationMs: 0,
  };
}
