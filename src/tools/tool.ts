/**
 * The tool seam, version 'v1': what a tool set (`prometheus/`, `github/`,
 * `sandbox/`, `mcp/`) implements so an agent can call it.
 *
 * - `name` is what the model calls (`^[a-zA-Z0-9_-]{1,64}$`, the strictest rule the
 *   providers share); `description` and `inputSchema` (JSON Schema draft 2020-12)
 *   are advertised to the model as they are.
 * - `effect` says whether a call changes the world: a `write` tool runs only when
 *   the operator approved it (`--approve <name>` or an interactive confirmation).
 * - `run(input, context)` gets input already validated against `inputSchema` and
 *   returns a JSON value. A thrown error becomes an error tool result for the model
 *   (the loop goes on); only engine failures, such as an abort, end the subtask.
 * - `context` carries the abort signal, which run and subtask is calling, and the
 *   run's artifact writer and configuration: never global state.
 *
 * New fields are optional and bump the version only when a tool must act on them.
 */
import type { JsonSchema, JsonValue } from '../provider/spec.js';

export const toolSeamVersion = 'v1' as const;

export type ToolEffect = 'read' | 'write';

/** Where a tool keeps what is too big for a tool result (logs, diffs). Wired by the engine later. */
export interface ToolArtifactWriter {
  /** Stores `content` under `name` in the run directory and returns its path. */
  write(name: string, content: string | Uint8Array, signal?: AbortSignal): Promise<string>;
}

export interface ToolContext {
  /** Aborts when the run is cancelled; a long-running tool must honour it. */
  signal: AbortSignal;
  run: string;
  subtask: number;
  /** The model call whose reply made this tool call. */
  turn?: number;
  toolCallId?: string;
  artifacts?: ToolArtifactWriter;
  /** Per tool set configuration (endpoints, repositories), keyed by tool set id. */
  config?: ReadonlyMap<string, JsonValue>;
}

export interface Tool {
  name: string;
  description: string;
  inputSchema: JsonSchema;
  effect: ToolEffect;
  run(input: JsonValue, context: ToolContext): Promise<JsonValue>;
}
