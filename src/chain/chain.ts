/**
 * The typed chain model. Every element keeps the source line it came from, so a
 * diagnostic can always say `file:line`.
 */
import type { ModelSettings } from '../model-settings.js';
import type { Severity, SeveritySource } from './severity.js';

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
  /** The run can do without it: a failure is recorded, dependents are skipped, the report says what is missing. */
  optional: boolean;
  /** Runs only at these severities (front matter `when.severity`); skipped otherwise. */
  when?: { severities: Severity[]; line: number };
  /** A person chooses after it (front matter `decision`): `subtask_N_decision` holds the choice. */
  decision?: DecisionPoint;
}

export interface DecisionOption {
  id: string;
  description?: string;
  risk?: string;
}

export interface DecisionPoint {
  question: string;
  /** Written in the chain; otherwise read from the output at `optionsFrom`. */
  options?: DecisionOption[];
  optionsFrom?: string[];
  line: number;
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
  /** Where the severity for `when.severity` comes from (front matter `severity.from`). */
  severitySource?: SeveritySource;
}

export function subtaskOutputVariable(number: number): string {
  return `subtask_${number}_output`;
}

export function subtaskDecisionVariable(number: number): string {
  return `subtask_${number}_decision`;
}

/** `subtask_3_decision` → 3; anything else → undefined. */
export function decisionNumberOf(variable: string): number | undefined {
  const match = /^subtask_(\d+)_decision$/.exec(variable);
  return match ? Number(match[1]) : undefined;
}

/** `subtask_12_output` → 12; anything else → undefined. */
export function subtaskNumberOf(variable: string): number | undefined {
  const match = /^subtask_(\d+)_output$/.exec(variable);
  return match ? Number(match[1]) : undefined;
}
