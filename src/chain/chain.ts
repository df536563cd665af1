/**
 * The typed chain model. Every element keeps the source line it came from, so a
 * diagnostic can always say `file:line`.
 */
import type { ModelSettings } from '../model-settings.js';

export type { ModelSettings };

export interface SourceText {
  text: string;
  /** 1-based line of the text's first line in the chain file. */
  line: number;
}

export interface VariableList {
  names: string[];
  line: number;
}

export type OutputKind = 'json' | 'markdown' | 'text';

export interface OutputFormat {
  kind: OutputKind;
  /** Line of the `OUTPUT FORMAT (…)` label, or of the prompt when there is none. */
  line: number;
  /** The example output under the label, when there is one. */
  example?: SourceText;
}

export interface Subtask {
  /** N from the `### Subtask N:` heading: the `subtask_N_output` variable. */
  number: number;
  title: string;
  line: number;
  agent?: SourceText;
  goal?: SourceText;
  inputVariables?: VariableList;
  outputVariables?: VariableList;
  prompt?: SourceText;
  outputFormat: OutputFormat;
  expectedOutputSize?: SourceText;
  /** From front matter: persona id, schema path (as written), explicit dependencies. */
  persona?: SourceText;
  schemaPath?: SourceText;
  dependsOn: number[];
  model?: ModelSettings;
  retries?: number;
  optional: boolean;
}

export interface Chain {
  /** The file the chain was read from, as given. */
  file: string;
  title: string;
  id: string;
  version: string;
  /** `## Workflow Metadata` fields by lower-cased name. */
  metadata: Map<string, SourceText>;
  inputExample?: SourceText;
  inputSchemaPath?: SourceText;
  reportSchemaPath?: SourceText;
  subtasks: Subtask[];
  aggregation?: SourceText;
  model?: ModelSettings;
  retries?: number;
}

export function subtaskOutputVariable(number: number): string {
  return `subtask_${number}_output`;
}

/** `subtask_12_output` → 12; anything else → undefined. */
export function subtaskNumberOf(variable: string): number | undefined {
  const match = /^subtask_(\d+)_output$/.exec(variable);
  return match ? Number(match[1]) : undefined;
}
