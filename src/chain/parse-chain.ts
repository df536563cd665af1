/**
 * Markdown → `Chain`. Prompts are cut out first by the line-based fence rule
 * (prompt-blocks.ts); mdast parses the rest. Problems are collected as
 * diagnostics, never thrown, so a file reports all of them at once.
 */
import type { Code, Heading, Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { frontmatter } from 'micromark-extension-frontmatter';
import type { Diagnostic } from '../errors.js';
import { applyFrontMatter } from './apply-front-matter.js';
import type { Chain, SourceText, Subtask } from './chain.js';
import { codesIn, type Field, fieldsIn, normaliseLabel, textOf } from './fields.js';
import { type FrontMatter, parseFrontMatter } from './front-matter.js';
import { findOutputFormat } from './output-format.js';
import { blankPromptBlocks, findPromptBlocks, type PromptBlock } from './prompt-blocks.js';

export interface ParsedChain {
  chain: Chain | undefined;
  diagnostics: Diagnostic[];
}

type Section = 'preamble' | 'metadata' | 'input' | 'subtasks' | 'aggregation' | 'other';

const subtaskHeading = /^[^\p{L}\d]*subtask\s+(\d+)\s*(?:[:.)\-–—]\s*)?(.*)$/iu;

interface ParseState {
  file: string;
  source: string;
  prompts: PromptBlock[];
  diagnostics: Diagnostic[];
  section: Section;
  title?: string;
  metadata: Map<string, SourceText & { codes: string[] }>;
  inputExample?: SourceText;
  aggregation?: SourceText;
  frontMatter: FrontMatter;
  frontMatterText: string;
  frontMatterLine: number;
  subtasks: Subtask[];
  current?: Subtask;
  /** A field whose value continues in the next block (a list of variables). */
  pendingField?: Field;
  /** Subtasks whose prompt problem was already reported. */
  promptReported: Set<number>;
}

export function normaliseSource(source: string): string {
  return source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

export function parseChain(rawSource: string, file: string): ParsedChain {
  const lines = normaliseSource(rawSource).split('\n');
  const prompts = findPromptBlocks(lines);
  const source = blankPromptBlocks(lines, prompts).join('\n');
  const tree: Root = fromMarkdown(source, {
    extensions: [frontmatter(['yaml'])],
    mdastExtensions: [frontmatterFromMarkdown(['yaml'])],
  });
  const state: ParseState = {
    file,
    source,
    prompts,
    diagnostics: [],
    section: 'preamble',
    metadata: new Map(),
    frontMatter: {},
    frontMatterText: '',
    frontMatterLine: 1,
    subtasks: [],
    promptReported: new Set(),
  };
  for (const prompt of prompts) {
    if (prompt.endLine === undefined) {
      error(
        state,
        prompt.fenceLine,
        'CHAIN_PROMPT_FENCE',
        'prompt fence is never closed: inner blocks need a language tag (```json) and a bare ``` closes the innermost block',
      );
    }
  }
  for (const node of tree.children) visit(state, node);
  finishSubtask(state);
  return finishChain(state);
}

function error(state: ParseState, line: number, code: string, message: string): void {
  state.diagnostics.push({ file: state.file, line, severity: 'error', code, message });
}

function warning(state: ParseState, line: number, code: string, message: string): void {
  state.diagnostics.push({ file: state.file, line, severity: 'warning', code, message });
}

function lineOf(node: Nodes): number {
  return node.position?.start.line ?? 1;
}

function visit(state: ParseState, node: Nodes): void {
  if (node.type === 'yaml') {
    state.frontMatterLine = lineOf(node) + 1;
    state.frontMatterText = node.value;
    const parsed = parseFrontMatter(node.value, state.file, state.frontMatterLine);
    state.frontMatter = parsed.frontMatter;
    state.diagnostics.push(...parsed.diagnostics);
    return;
  }
  if (node.type === 'heading') {
    visitHeading(state, node);
    return;
  }
  if (node.type === 'code') {
    visitCode(state, node);
    return;
  }
  if (state.pendingField && (node.type === 'list' || node.type === 'paragraph')) {
    const pending = state.pendingField;
    state.pendingField = undefined;
    if (node.type === 'list') {
      pending.codes = codesIn(node);
      pending.value = state.source.slice(node.position?.start.offset, node.position?.end.offset);
      assignField(state, pending);
      return;
    }
    assignField(state, pending);
  }
  const fields = fieldsIn(node, state.source);
  fields.forEach((field, index) => {
    const last = index === fields.length - 1;
    if (last && field.value === '' && field.name !== 'prompt') state.pendingField = field;
    else assignField(state, field);
  });
}

function visitHeading(state: ParseState, node: Heading): void {
  flushPending(state);
  const text = textOf(node).trim();
  const line = lineOf(node);
  const match = node.depth >= 2 ? subtaskHeading.exec(text) : null;
  if (match) {
    finishSubtask(state);
    state.section = 'subtasks';
    state.current = newSubtask(Number(match[1]), (match[2] ?? '').trim(), line);
    return;
  }
  if (node.depth === 1) {
    state.title ??= text;
    return;
  }
  if (node.depth > 3 && state.current) return;
  finishSubtask(state);
  state.section = sectionOf(normaliseLabel(text));
}

function sectionOf(label: string): Section {
  if (label.includes('metadata')) return 'metadata';
  if (label.includes('aggregation') || label.includes('final output')) return 'aggregation';
  if (label.includes('input')) return 'input';
  if (label.includes('subtask')) return 'subtasks';
  return 'other';
}

function visitCode(state: ParseState, node: Code): void {
  flushPending(state);
  const text: SourceText = { text: node.value, line: lineOf(node) + 1 };
  if (state.section === 'input' && !state.inputExample) state.inputExample = text;
  else if (state.section === 'aggregation' && !state.aggregation) state.aggregation = text;
}

function flushPending(state: ParseState): void {
  if (!state.pendingField) return;
  const pending = state.pendingField;
  state.pendingField = undefined;
  assignField(state, pending);
}

function newSubtask(number: number, title: string, line: number): Subtask {
  return {
    number,
    title,
    line,
    outputFormat: { kind: 'text', line },
    dependsOn: [],
    optional: false,
  };
}

function assignField(state: ParseState, field: Field): void {
  const subtask = state.current;
  if (state.section === 'metadata' || (!subtask && state.section === 'preamble')) {
    state.metadata.set(field.name, { text: field.value, line: field.line, codes: field.codes });
    return;
  }
  if (!subtask) return;
  const text: SourceText = { text: field.value, line: field.line };
  switch (field.name) {
    case 'agent':
      subtask.agent = text;
      break;
    case 'goal':
      subtask.goal = text;
      break;
    case 'input variables':
    case 'inputs':
      subtask.inputVariables = { names: field.codes, line: field.line };
      break;
    case 'output variables':
    case 'outputs':
      subtask.outputVariables = { names: field.codes, line: field.line };
      break;
    case 'expected output size':
      subtask.expectedOutputSize = text;
      break;
    case 'prompt':
      assignPrompt(state, subtask, field.line);
      break;
  }
}

function assignPrompt(state: ParseState, subtask: Subtask, line: number): void {
  const block = state.prompts.find((prompt) => prompt.labelLine === line);
  if (!block) {
    state.promptReported.add(subtask.number);
    error(
      state,
      line,
      'CHAIN_PROMPT_MISSING',
      `subtask ${subtask.number}: **Prompt** must be followed by a fenced block (\`\`\`)`,
    );
    return;
  }
  subtask.prompt = { text: block.text, line: block.fenceLine + 1 };
  subtask.outputFormat = findOutputFormat(subtask.prompt);
}

function finishSubtask(state: ParseState): void {
  flushPending(state);
  const subtask = state.current;
  if (!subtask) return;
  state.current = undefined;
  const where = `subtask ${subtask.number}`;
  if (state.subtasks.some((other) => other.number === subtask.number)) {
    error(state, subtask.line, 'CHAIN_DUPLICATE_SUBTASK', `${where} is defined twice`);
    return;
  }
  if (!subtask.agent)
    error(state, subtask.line, 'CHAIN_FIELD_MISSING', `${where} has no **Agent** field`);
  if (!subtask.prompt && !state.promptReported.has(subtask.number)) {
    error(
      state,
      subtask.line,
      'CHAIN_FIELD_MISSING',
      `${where} has no **Prompt** field with a fenced prompt block`,
    );
  }
  if (!subtask.goal)
    warning(state, subtask.line, 'CHAIN_FIELD_MISSING', `${where} has no **Goal** field`);
  state.subtasks.push(subtask);
}

function finishChain(state: ParseState): ParsedChain {
  const idField = state.metadata.get('chain id');
  const stem = state.file.replace(/^.*[\\/]/, '').replace(/\.md$/i, '');
  const id = idField?.codes[0] ?? idField?.text.replace(/`/g, '') ?? stem;
  if (!idField)
    warning(
      state,
      1,
      'CHAIN_FIELD_MISSING',
      `no **Chain ID** in ## Workflow Metadata; using "${stem}"`,
    );
  const version = (
    state.metadata.get('version')?.codes[0] ??
    state.metadata.get('version')?.text ??
    ''
  ).replace(/`/g, '');
  if (state.subtasks.length === 0)
    error(state, 1, 'CHAIN_NO_SUBTASKS', 'chain has no "### Subtask N: Title" sections');
  if (!state.aggregation) {
    warning(
      state,
      1,
      'CHAIN_NO_AGGREGATION',
      'no ## Final Output Aggregation block: the report holds each subtask output',
    );
  }
  const chain: Chain = {
    file: state.file,
    title: state.title ?? stem,
    id,
    version,
    metadata: new Map(
      [...state.metadata].map(([key, value]) => [key, { text: value.text, line: value.line }]),
    ),
    subtasks: state.subtasks.sort((a, b) => a.number - b.number),
    ...(state.inputExample ? { inputExample: state.inputExample } : {}),
    ...(state.aggregation ? { aggregation: state.aggregation } : {}),
  };
  applyFrontMatter(
    chain,
    state.frontMatter,
    state.frontMatterText,
    state.frontMatterLine,
    state.diagnostics,
  );
  return { chain, diagnostics: state.diagnostics };
}
