/** Front-matter settings applied to the parsed chain, each keeping its source line. */
import type { Diagnostic } from '../errors.js';
import { type Chain, type ModelSettings, type Subtask, subtaskNumberOf } from './chain.js';
import { type FrontMatter, lineOfPath, type SubtaskSettings } from './front-matter.js';
import { normalizeSeverity, type Severity } from './severity.js';

export function applyFrontMatter(
  chain: Chain,
  frontMatter: FrontMatter,
  text: string,
  firstLine: number,
  diagnostics: Diagnostic[],
): void {
  const lineAt = (...path: string[]): number => firstLine + lineOfPath(text, path) - 1;
  const byNumber = new Map(chain.subtasks.map((subtask) => [subtask.number, subtask]));
  const lookup = (key: string, path: string[]): Subtask | undefined => {
    const subtask = byNumber.get(Number(key));
    if (!subtask) {
      diagnostics.push({
        file: chain.file,
        line: lineAt(...path),
        severity: 'error',
        code: 'FRONT_MATTER_SUBTASK',
        message: `front matter "${path.join('.')}" names subtask ${key}, which the chain does not define`,
      });
    }
    return subtask;
  };
  for (const [key, persona] of Object.entries(frontMatter.personas ?? {})) {
    const subtask = lookup(key, ['personas', key]);
    if (subtask) subtask.persona = { text: persona, line: lineAt('personas', key) };
  }
  for (const [key, schema] of Object.entries(frontMatter.schemas ?? {})) {
    const subtask = lookup(key, ['schemas', key]);
    if (subtask) subtask.schemaPath = { text: schema, line: lineAt('schemas', key) };
  }
  for (const [key, dependsOn] of Object.entries(frontMatter.depends_on ?? {})) {
    const subtask = lookup(key, ['depends_on', key]);
    if (subtask) subtask.dependsOn.push(...dependsOn);
  }
  for (const [key, settings] of Object.entries(frontMatter.subtasks ?? {})) {
    const subtask = lookup(key, ['subtasks', key]);
    if (subtask) applySubtaskSettings(subtask, settings, (field) => lineAt('subtasks', key, field));
  }
  if (frontMatter.input_schema) {
    chain.inputSchemaPath = { text: frontMatter.input_schema, line: lineAt('input_schema') };
  }
  if (frontMatter.report_schema) {
    chain.reportSchemaPath = { text: frontMatter.report_schema, line: lineAt('report_schema') };
  }
  if (frontMatter.model) chain.model = compact(frontMatter.model);
  if (frontMatter.retries !== undefined) chain.retries = frontMatter.retries;
  if (frontMatter.severity) {
    const path = frontMatter.severity.from.split('.');
    const subtask = subtaskNumberOf(path[0] ?? '');
    chain.severitySource = {
      path,
      ...(subtask !== undefined ? { subtask } : {}),
      line: lineAt('severity', 'from'),
    };
  }
}

function applySubtaskSettings(
  subtask: Subtask,
  settings: SubtaskSettings,
  lineAt: (field: string) => number,
): void {
  if (settings.persona) subtask.persona = { text: settings.persona, line: lineAt('persona') };
  if (settings.schema) subtask.schemaPath = { text: settings.schema, line: lineAt('schema') };
  if (settings.depends_on) subtask.dependsOn.push(...settings.depends_on);
  if (settings.model) subtask.model = compact(settings.model);
  if (settings.retries !== undefined) subtask.retries = settings.retries;
  if (settings.optional !== undefined) subtask.optional = settings.optional;
  if (settings.when) {
    subtask.when = {
      severities: settings.when.severity.map((name) => normalizeSeverity(name) as Severity),
      line: lineAt('when'),
    };
  }
  if (settings.decision) {
    const { question, options, options_from } = settings.decision;
    subtask.decision = {
      question: question ?? `Subtask ${subtask.number} (${subtask.title}): which option?`,
      ...(options
        ? {
            options: options.map((option) =>
              typeof option === 'string' ? { id: option } : option,
            ),
          }
        : {}),
      ...(options_from ? { optionsFrom: options_from.split('.') } : {}),
      line: lineAt('decision'),
    };
  }
  if (settings.output) subtask.outputFormat = { ...subtask.outputFormat, kind: settings.output };
}

function compact(settings: ModelSettings): ModelSettings {
  return Object.fromEntries(
    Object.entries(settings).filter(([, value]) => value !== undefined),
  ) as ModelSettings;
}
