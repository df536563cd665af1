/**
 * The model-provider seam, specification version 'v1'. Types only: this file
 * imports nothing, so an adapter depends on nothing but this contract.
 *
 * Shaped after the Vercel AI SDK's language-model specification: the engine calls
 * `doGenerate` / `doStream` (the `do` prefix marks engine-facing methods) with
 * provider-neutral options; an adapter only translates wire formats, stop reasons
 * and errors. It never renders prompts, loops, runs tools or validates outputs.
 * Vendor-only settings travel in `providerOptions` until three providers share them.
 */

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

export type JsonSchema = { [key: string]: JsonValue };

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ToolCallPart {
  type: 'tool-call';
  toolCallId: string;
  toolName: string;
  /** The arguments as the raw JSON string the model produced; the engine parses it. */
  input: string;
}

export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  toolName: string;
  output: JsonValue;
  isError?: boolean;
}

export type Message =
  | { role: 'system'; content: string }
  | { role: 'user'; content: TextPart[] }
  | { role: 'assistant'; content: Array<TextPart | ToolCallPart> }
  | { role: 'tool'; content: ToolResultPart[] };

export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: JsonSchema;
}

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'tool'; toolName: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json'; schema?: JsonSchema; name?: string; description?: string };

/** Which call this is, for fixtures and logs. Never part of a fixture key. */
export interface CallLabel {
  /** The chain (or session) the call belongs to. */
  run: string;
  /** The `### Subtask N` number. */
  subtask: number;
  /** 1 for the first call of a subtask, then one more per tool or repair turn. */
  turn: number;
}

export interface CallOptions {
  /** The system prompt; also allowed as a leading system message. */
  system?: string;
  messages: Message[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  seed?: number;
  abortSignal?: AbortSignal;
  callLabel?: CallLabel;
  /** Vendor-only settings, keyed by provider id. */
  providerOptions?: Record<string, Record<string, JsonValue>>;
}

export type ContentPart = TextPart | ToolCallPart;

export type UnifiedFinishReason =
  | 'stop'
  | 'length'
  | 'content-filter'
  | 'tool-calls'
  | 'error'
  | 'other';

export interface FinishReason {
  unified: UnifiedFinishReason;
  /** The provider's own word for it (`end_turn`, `tool_use`, `stop`…). */
  raw: string | undefined;
}

export interface Usage {
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

export interface CallWarning {
  type: 'unsupported-setting' | 'other';
  setting?: string;
  message: string;
}

export interface GenerateResult {
  content: ContentPart[];
  finishReason: FinishReason;
  usage: Usage;
  warnings: CallWarning[];
  response: {
    id?: string;
    /** The model that actually answered (may differ from the requested id). */
    modelId?: string;
  };
}

export type StreamPart =
  | { type: 'text-delta'; delta: string }
  | { type: 'tool-call'; toolCall: ToolCallPart }
  | { type: 'finish'; result: GenerateResult };

export interface LanguageModel {
  readonly specificationVersion: 'v1';
  /** The provider id (`anthropic`, `openai`, `replay`). */
  readonly provider: string;
  readonly modelId: string;
  doGenerate(options: CallOptions): Promise<GenerateResult>;
  doStream(options: CallOptions): AsyncIterable<StreamPart>;
}

/** Which model a subtask asks for: the identity that fixtures are keyed on. */
export interface ModelTarget {
  provider: string;
  modelId: string;
}

/** A configuration problem found before any call (a missing API key), in one line. */
export type ConfigurationCheck = { ok: true } | { ok: false; message: string };

/** Makes models. Built lazily: creating one needs no key; calling it may. */
export interface ModelProvider {
  readonly specificationVersion: 'v1';
  readonly id: string;
  languageModel(target: ModelTarget): LanguageModel;
  /**
   * Checks what a call will need (credentials, endpoint) without calling; the engine
   * runs it for every provider a run uses before the first subtask starts.
   */
  checkConfiguration?(): ConfigurationCheck;
}
