/**
 * The tools a run can offer, keyed by name in a `Map`: a name that came from a
 * model or a persona file never indexes a plain object.
 */
import type { ToolDefinition } from '../provider/spec.js';
import type { Tool } from './tool.js';

/** The name rule every provider accepts (Anthropic's and OpenAI's intersection). */
export const toolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/;

export class ToolRegistry {
  readonly #tools = new Map<string, Tool>();

  constructor(tools: Iterable<Tool> = []) {
    for (const tool of tools) this.register(tool);
  }

  /** Adds a tool; a bad or already registered name is a programming error and throws. */
  register(tool: Tool): this {
    if (!toolNamePattern.test(tool.name)) {
      throw new Error(
        `cannot register tool ${JSON.stringify(tool.name)}: names are 1 to 64 letters, digits, "_" or "-"`,
      );
    }
    if (this.#tools.has(tool.name)) {
      throw new Error(`cannot register tool "${tool.name}": a tool with that name is registered`);
    }
    this.#tools.set(tool.name, tool);
    return this;
  }

  get(name: string): Tool | undefined {
    return this.#tools.get(name);
  }

  has(name: string): boolean {
    return this.#tools.has(name);
  }

  /** Every tool, in registration order. */
  list(): Tool[] {
    return [...this.#tools.values()];
  }

  /**
   * What the model is told about the named tools, in the order given, each once.
   * Names without a registered tool are left out: pre-flight reports them.
   */
  definitionsFor(names: Iterable<string>): ToolDefinition[] {
    const definitions: ToolDefinition[] = [];
    for (const name of new Set(names)) {
      const tool = this.#tools.get(name);
      if (tool === undefined) continue;
      const { description, inputSchema } = tool;
      definitions.push({ name, description, inputSchema });
    }
    return definitions;
  }
}
