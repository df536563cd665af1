/**
 * Every template reference must resolve: to a chain-input field, or to a path
 * that exists in an earlier subtask's output. Returns the subtasks referenced,
 * which are the edges of the dependency graph.
 */
import { decisionNumberOf, subtaskNumberOf } from '../chain/index.js';
import type { Diagnostic } from '../errors.js';
import { lookupPath, suggest } from '../schema/index.js';
import type { TemplateReference } from '../template/template.js';
import type { InputSchema } from './chain-input.js';
import type { SubtaskOutput } from './subtask-output.js';

export interface ReferenceScope {
  file: string;
  /** The subtask whose template this is, or undefined for the aggregation. */
  consumer: number | undefined;
  outputs: Map<number, SubtaskOutput>;
  inputSchema: InputSchema;
  /** `**Input Variables**` of the consumer, when declared. */
  declared?: string[];
  /** Subtasks that are decision points: `subtask_N_decision` may name them. */
  decisions?: ReadonlySet<number>;
}

/** What `subtask_N_decision` holds: the chosen option. */
const decisionFields = ['id', 'description', 'risk'];

function shown(path: string[]): string {
  return path.join('.').replace(/\.\[\]/g, '[]');
}

function didYouMean(missing: string, available: string[]): string {
  const guess = suggest(missing, available);
  return guess ? `; did you mean "${guess}"?` : '';
}

export function checkReferences(
  references: TemplateReference[],
  scope: ReferenceScope,
): { diagnostics: Diagnostic[]; dependsOn: number[] } {
  const diagnostics: Diagnostic[] = [];
  const dependsOn = new Set<number>();
  const seen = new Set<string>();
  const who = scope.consumer === undefined ? 'aggregation' : `subtask ${scope.consumer}`;
  const report = (
    reference: TemplateReference,
    message: string,
    severity: 'error' | 'warning' = 'error',
  ) => {
    const key = `${reference.line}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    const demoted = severity === 'error' && reference.optional ? 'warning' : severity;
    diagnostics.push({
      file: scope.file,
      line: reference.line,
      severity: demoted,
      code: 'TEMPLATE_REF',
      message,
    });
  };
  for (const reference of references) {
    const [root, ...rest] = reference.path;
    if (root === undefined) continue;
    const producer = subtaskNumberOf(root);
    const decider = decisionNumberOf(root);
    if (decider !== undefined) {
      dependsOn.add(decider);
      checkDecisionReference(reference, decider, rest, scope, who, report);
    } else if (producer === undefined) {
      checkInputReference(reference, scope, who, report);
    } else {
      dependsOn.add(producer);
      checkOutputReference(reference, producer, rest, scope, who, report);
    }
    if (scope.declared && scope.declared.length > 0 && !scope.declared.includes(root)) {
      report(
        reference,
        `${who}: "${root}" is used but not declared in **Input Variables**`,
        'warning',
      );
    }
  }
  return { diagnostics, dependsOn: [...dependsOn] };
}

type Report = (
  reference: TemplateReference,
  message: string,
  severity?: 'error' | 'warning',
) => void;

function checkDecisionReference(
  reference: TemplateReference,
  decider: number,
  rest: string[],
  scope: ReferenceScope,
  who: string,
  report: Report,
): void {
  const variable = shown(reference.path);
  if (!scope.decisions?.has(decider)) {
    report(
      reference,
      `${who}: "${variable}" names subtask ${decider}, which is not a decision point (front matter subtasks.${decider}.decision)`,
    );
  } else if (scope.consumer !== undefined && decider >= scope.consumer) {
    report(
      reference,
      `${who}: "${variable}" is decided after subtask ${decider}; only a later subtask can use it`,
    );
  } else if (rest[0] !== undefined && !decisionFields.includes(rest[0])) {
    report(
      reference,
      `${who}: "${variable}": a decision has ${decisionFields.join(', ')}, not "${rest[0]}"`,
    );
  }
}

function checkInputReference(
  reference: TemplateReference,
  scope: ReferenceScope,
  who: string,
  report: Report,
): void {
  if (scope.inputSchema.source === 'none') return;
  const lookup = lookupPath(scope.inputSchema.schema, reference.path);
  if (lookup.status !== 'absent') return;
  const where =
    lookup.index === 0 ? 'a chain-input field or an earlier subtask output' : 'in the chain input';
  report(
    reference,
    `${who}: "${shown(reference.path)}" is not ${where}: no "${lookup.missing}"${didYouMean(lookup.missing, lookup.available)}`,
  );
}

function checkOutputReference(
  reference: TemplateReference,
  producer: number,
  rest: string[],
  scope: ReferenceScope,
  who: string,
  report: Report,
): void {
  const output = scope.outputs.get(producer);
  const variable = shown(reference.path);
  if (!output) {
    report(
      reference,
      `${who}: "${variable}" references subtask ${producer}, which the chain does not define`,
    );
    return;
  }
  if (scope.consumer !== undefined && producer >= scope.consumer) {
    const why =
      producer === scope.consumer ? 'its own output' : `subtask ${producer}, which runs later`;
    report(
      reference,
      `${who}: "${variable}" references ${why}; a subtask may only use earlier subtasks' outputs`,
    );
    return;
  }
  if (rest.length === 0) return;
  if (output.kind === 'text') {
    report(
      reference,
      `${who}: "${variable}": subtask ${producer}'s output is Markdown text, which has no fields`,
    );
    return;
  }
  if (!output.schema) return;
  const lookup = lookupPath(output.schema, rest);
  if (lookup.status !== 'absent') return;
  const against =
    output.schemaSource === 'file'
      ? `its output schema ${output.schemaFile}`
      : 'its OUTPUT FORMAT example';
  report(
    reference,
    `${who}: "${variable}" does not exist in subtask ${producer}'s output (${against}): no "${lookup.missing}"${didYouMean(lookup.missing, lookup.available)}`,
  );
}
