/**
 * One engineer's session in an incident's war room: the current persona (its
 * system prompt, model and tools), its conversation, and the incident memory
 * every persona shares. Each engineer message is one exchange: model calls and
 * tool calls until the persona answers in words. Switching persona starts a new
 * conversation that opens with the hand-off from memory.
 *
 * Calls are labelled `investigate/<incident-id>` / exchange / turn, like a chain's
 * subtasks, so a session records into fixtures and replays from them; tool results
 * then come from the fixtures, except the memory tools, which always run.
 */
import {
  createLiveToolSession,
  createPlaybackToolSession,
  executeToolCalls,
  type ToolSession,
} from '../agent/index.js';
import {
  defaultModels,
  defaultRetryPolicy,
  defaultTarget,
  splitModel,
  withResilience,
} from '../engine/index.js';
import { WarroomError } from '../errors.js';
import type { RecordedToolResults, Redactor } from '../fixture/index.js';
import type { Persona } from '../persona/index.js';
import type {
  CallOptions,
  ContentPart,
  JsonValue,
  LanguageModel,
  Message,
  ModelProvider,
  ModelTarget,
  ToolCallPart,
  ToolResultPart,
} from '../provider/spec.js';
import { createSchemaValidator, parseJson } from '../schema/index.js';
import { type Tool, ToolRegistry } from '../tools/index.js';
import { openingMessage, warRoomFraming } from './handoff.js';
import type { IncidentMemory } from './incident-memory.js';
import { memoryToolNames, memoryTools } from './memory-tools.js';

/** What the session shows as it happens. */
export type InvestigationEvent =
  | { type: 'thinking'; persona: string; model: string }
  | { type: 'tool-start'; persona: string; tool: string; input: string }
  | {
      type: 'tool-end';
      persona: string;
      tool: string;
      status: 'ok' | 'error' | 'refused';
      summary: string;
    }
  | { type: 'retry'; reason: string; delayMs: number }
  /** Something the engineer should know that is not the persona's (a replay detail). */
  | { type: 'notice'; text: string };

export interface InvestigationOptions {
  memory: IncidentMemory;
  personas: ReadonlyMap<string, Persona>;
  providers: ReadonlyMap<string, ModelProvider>;
  /** `--provider` / `--model`: like a chain run's. */
  overrides?: { provider?: string; modelId?: string };
  /** The tools personas may list (their allowlists pick from it). */
  tools: ToolRegistry;
  /** Write tools approved for the whole session. */
  approvals?: ReadonlySet<string>;
  /**
   * Asks the engineer about one write call (y/N, the exact action shown). Under replay
   * it is asked too, where the recorded session asked, so a script's answers stay in
   * step; the recorded result is played back whatever the answer.
   */
  confirm?: (tool: Tool, input: JsonValue) => Promise<boolean>;
  /** Under replay: tool results from the fixtures (tools other than memory never run). */
  recordedToolResults?: RecordedToolResults;
  redactor: Redactor;
  clock: () => Date;
  onEvent?: (event: InvestigationEvent) => void;
  /** The exchange number to continue from (earlier sessions of the incident). */
  exchanges?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const playbackProviders = new Set(['replay', 'hand-written']);
const maxTurnsDefault = 12;

export class Investigation {
  #persona: Persona;
  #messages: Message[] = [];
  #exchange: number;
  readonly #tools: ToolRegistry;

  constructor(
    private readonly options: InvestigationOptions,
    persona: Persona,
  ) {
    this.#persona = persona;
    this.#exchange = options.exchanges ?? 0;
    this.#tools = new ToolRegistry([
      ...options.tools.list(),
      ...memoryTools(options.memory, () => this.#persona.id),
    ]);
    this.#messages = [this.opening()];
  }

  get persona(): Persona {
    return this.#persona;
  }

  get memory(): IncidentMemory {
    return this.options.memory;
  }

  get exchanges(): number {
    return this.#exchange;
  }

  /** The run label of every call: one per incident. */
  get label(): string {
    return `investigate/${this.options.memory.incident.id}`;
  }

  /** Text with secrets replaced, for what the session writes to disk. */
  redactText(text: string): string {
    return this.options.redactor.redactText(text);
  }

  /** Every persona the engineer can switch to. */
  personaIds(): Persona[] {
    return [...this.options.personas.values()];
  }

  /** The tools the current persona can call (its allowlist, plus the memory tools). */
  toolNames(): string[] {
    return [...memoryToolNames, ...this.#persona.tools.filter((name) => this.#tools.get(name))];
  }

  /** Hands the incident to another persona: its prompt, model and tools; the hand-off from memory. */
  switchTo(id: string): Persona {
    const next = this.options.personas.get(id);
    if (!next) {
      throw new WarroomError({
        code: 'USAGE',
        message: `no persona "${id}" (known: ${[...this.options.personas.keys()].join(', ')})`,
        userError: true,
      });
    }
    const from = this.#persona;
    this.#persona = next;
    this.#messages = [this.opening(from)];
    this.options.memory.record({
      kind: 'persona',
      text: `${from.id} → ${next.id}`,
      persona: next.id,
      source: 'engineer',
    });
    return next;
  }

  /** The model this persona calls (under replay: the one that was recorded). */
  target(): ModelTarget {
    const named = splitModel(this.options.overrides?.modelId);
    const settings = this.#persona.model;
    const target: ModelTarget = {
      provider: named.provider ?? settings.provider ?? defaultTarget.provider,
      modelId: named.modelId ?? settings.modelId ?? defaultTarget.modelId,
    };
    const override = this.options.overrides?.provider;
    if (override && !playbackProviders.has(override) && override !== target.provider) {
      target.provider = override;
      target.modelId = named.modelId ?? defaultModels.get(override) ?? target.modelId;
    }
    return target;
  }

  /**
   * One exchange: the engineer's message, model and tool turns until the persona
   * answers in words. A cancel (the signal) ends the exchange and leaves the
   * conversation as it was before the message.
   */
  async ask(text: string, signal?: AbortSignal): Promise<string> {
    const exchange = this.nextExchange();
    const messages: Message[] = [
      ...this.#messages,
      { role: 'user', content: [{ type: 'text', text }] },
    ];
    const model = this.languageModel();
    const target = this.target();
    const tools = this.session(exchange);
    const maxTurns = this.#persona.maxTurns ?? maxTurnsDefault;
    for (let turn = 1; turn <= maxTurns; turn++) {
      this.options.onEvent?.({
        type: 'thinking',
        persona: this.#persona.id,
        model: `${target.provider}/${target.modelId}`,
      });
      const result = await model.doGenerate({
        system: this.systemPrompt(),
        messages: [...messages],
        ...(tools.definitions.length > 0
          ? { tools: tools.definitions, toolChoice: { type: 'auto' as const } }
          : {}),
        responseFormat: { type: 'text' },
        ...sampling(this.#persona),
        ...(signal ? { abortSignal: signal } : {}),
        callLabel: { run: this.label, subtask: exchange, turn },
      });
      const content = result.content.filter(
        (part): part is Exclude<ContentPart, never> =>
          part.type === 'text' || part.type === 'tool-call',
      );
      const calls = content.filter((part): part is ToolCallPart => part.type === 'tool-call');
      if (calls.length === 0) {
        const reply = content.map((part) => (part.type === 'text' ? part.text : '')).join('');
        messages.push({ role: 'assistant', content });
        this.#messages = messages;
        return reply;
      }
      const results = await executeToolCalls(calls, tools, {
        subtask: exchange,
        turn,
        ...(signal ? { signal } : {}),
      });
      messages.push({ role: 'assistant', content }, { role: 'tool', content: results });
    }
    throw new WarroomError({
      code: 'SUBTASK_MAX_TURNS',
      message: `${this.#persona.id} made ${maxTurns} model calls without answering; ask a narrower question (or raise maxTurns in the persona)`,
    });
  }

  /** Numbers the calls of one engineer message (or /report): their label's `subtask`. */
  nextExchange(): number {
    this.#exchange += 1;
    return this.#exchange;
  }

  /** The persona's own system prompt and the war room framing. */
  systemPrompt(): string {
    return `${this.#persona.systemPrompt.trim()}\n\n${warRoomFraming}`;
  }

  private opening(from?: Persona): Message {
    return {
      role: 'user',
      content: [
        {
          type: 'text',
          text: openingMessage({
            memory: this.options.memory,
            persona: this.#persona,
            ...(from ? { from } : {}),
          }),
        },
      ],
    };
  }

  /** The current persona's model behind the retry policy. */
  languageModel(): LanguageModel {
    const target = this.target();
    const override = this.options.overrides?.provider;
    const executor = override && playbackProviders.has(override) ? override : target.provider;
    const provider = this.options.providers.get(executor);
    if (!provider) {
      throw new WarroomError({
        code: 'USAGE',
        message: `persona ${this.#persona.id} needs provider "${executor}", which is not available (available: ${[...this.options.providers.keys()].join(', ')}); pass --provider`,
        userError: true,
      });
    }
    return withResilience(provider.languageModel(target), {
      policy: defaultRetryPolicy,
      ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
      onRetry: (notice) =>
        this.options.onEvent?.({ type: 'retry', reason: notice.reason, delayMs: notice.delayMs }),
    });
  }

  /** The persona's tools for one exchange: live (or played back) plus the memory tools. */
  private session(exchange: number): ToolSession {
    const allowed = this.#persona.tools;
    const label = { run: this.label, subtask: exchange };
    const external: ToolSession = this.options.recordedToolResults
      ? this.askingAsRecorded(
          createPlaybackToolSession({
            definitions: this.#tools.definitionsFor(allowed),
            recorded: this.options.recordedToolResults,
            label,
          }),
        )
      : createLiveToolSession({
          registry: this.#tools,
          allowed,
          approvals: this.options.approvals ?? new Set(),
          ...(this.options.confirm ? { confirm: this.options.confirm } : {}),
          context: label,
        });
    const memory = createLiveToolSession({
      registry: this.#tools,
      allowed: [...memoryToolNames],
      approvals: new Set(),
      context: label,
    });
    const { onEvent, redactor } = this.options;
    const persona = () => this.#persona.id;
    const remember = (call: ToolCallPart, result: ToolResultPart) => this.remember(call, result);
    return {
      definitions: [...memory.definitions, ...external.definitions],
      async execute(call, context) {
        const local = (memoryToolNames as readonly string[]).includes(call.toolName);
        onEvent?.({
          type: 'tool-start',
          persona: persona(),
          tool: call.toolName,
          input: call.input,
        });
        const outcome = redactor.redactValue(
          await (local ? memory : external).execute(call, context),
        );
        // Into memory the moment it returns: a cancel or a crash later in the turn
        // must not lose a write that ran.
        if (!local) remember(call, outcome.result);
        onEvent?.({
          type: 'tool-end',
          persona: persona(),
          tool: call.toolName,
          status: outcome.status,
          summary: summarize(outcome.result.output),
        });
        return outcome;
      },
    };
  }

  /**
   * A played-back session asks about a write call where the live one did (a write
   * tool the persona may call, not approved, with valid input), so a rehearsal script
   * keeps its y/N lines in step; the answer cannot change what was recorded.
   */
  private askingAsRecorded(playback: ToolSession): ToolSession {
    const { confirm, approvals, onEvent } = this.options;
    if (!confirm) return playback;
    const validator = createSchemaValidator();
    const allowed = () => this.#persona.tools;
    const tools = this.#tools;
    return {
      definitions: playback.definitions,
      async execute(call, context) {
        const tool = allowed().includes(call.toolName) ? tools.get(call.toolName) : undefined;
        const input = parseJson(call.input.trim() === '' ? '{}' : call.input);
        const asks =
          tool?.effect === 'write' &&
          !approvals?.has(tool.name) &&
          input.ok &&
          validator.validate(tool.inputSchema, input.value).length === 0;
        const answer = asks && input.ok ? await confirm(tool, input.value) : undefined;
        const outcome = await playback.execute(call, context);
        if (answer !== undefined && answer !== (outcome.status !== 'refused')) {
          onEvent?.({
            type: 'notice',
            text: `(replay: the recorded session answered ${answer ? 'no' : 'yes'}; its result is played back)`,
          });
        }
        return outcome;
      },
    };
  }

  /** What an external tool returned goes into memory, summarised, for later hand-offs. */
  private remember(call: ToolCallPart, result: ToolResultPart): void {
    const status = statusOf(result.output);
    const effect = this.#tools.get(call.toolName)?.effect;
    this.options.memory.record({
      kind: 'tool-result',
      text: `${call.toolName}(${compact(call.input)}) → ${summarize(result.output)}`,
      persona: this.#persona.id,
      source: 'persona',
      data: { tool: call.toolName, status, ...(effect ? { effect } : {}) },
    });
  }
}

function statusOf(output: JsonValue | undefined): string {
  if (output !== null && typeof output === 'object' && !Array.isArray(output)) {
    const status = output.status;
    if (typeof status === 'string') return status;
  }
  return 'ok';
}

function sampling(persona: Persona): Pick<CallOptions, 'temperature' | 'topP' | 'maxOutputTokens'> {
  const { temperature, topP, maxOutputTokens } = persona.model;
  return {
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
  };
}

function compact(input: string): string {
  return input.length > 120 ? `${input.slice(0, 117)}…` : input;
}

/** A tool result in one line: its status and the first of its data. */
export function summarize(output: JsonValue | undefined): string {
  if (output === null || typeof output !== 'object' || Array.isArray(output)) {
    return compact(JSON.stringify(output ?? null));
  }
  const { status, data, error } = output as { status?: string; data?: JsonValue; error?: string };
  if (status && status !== 'ok') return `${status}: ${compact(String(error ?? ''))}`;
  return compact(JSON.stringify(data ?? output));
}
