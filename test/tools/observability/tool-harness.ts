/**
 * What the observability tests share: a tool context with an in-memory artifact
 * store, and a way to call a tool by name from `createObservabilityTools`.
 */
import type { JsonValue } from '../../../src/provider/spec.js';
import type { Tool, ToolContext } from '../../../src/tools/index.js';

export interface MemoryArtifacts {
  files: Map<string, string>;
  context(overrides?: Partial<ToolContext>): ToolContext;
}

export function memoryArtifacts(): MemoryArtifacts {
  const files = new Map<string, string>();
  return {
    files,
    context: (overrides = {}) => ({
      signal: new AbortController().signal,
      run: 'observability-test',
      subtask: 1,
      toolCallId: 'call_1',
      artifacts: {
        async write(name, content) {
          const path = `artifacts/${name}`;
          files.set(path, typeof content === 'string' ? content : Buffer.from(content).toString());
          return path;
        },
      },
      ...overrides,
    }),
  };
}

export type ToolResult = { [key: string]: JsonValue };

/** Calls the named tool; the result is the object every observability tool returns. */
export async function callTool(
  tools: readonly Tool[],
  name: string,
  input: JsonValue,
  context: ToolContext,
): Promise<ToolResult> {
  const tool = tools.find((candidate) => candidate.name === name);
  if (tool === undefined) throw new Error(`no tool ${name}`);
  const result = await tool.run(input, context);
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    throw new Error(`${name} returned ${JSON.stringify(result)}`);
  }
  return result;
}

/** Narrows a JSON value for assertions; a wrong shape fails the test with the value shown. */
export function asRecords(value: JsonValue | undefined): ToolResult[] {
  if (!Array.isArray(value)) throw new Error(`expected an array, got ${JSON.stringify(value)}`);
  return value.map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new Error(`expected an object, got ${JSON.stringify(item)}`);
    }
    return item;
  });
}
