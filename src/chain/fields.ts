/**
 * Bold fields (`**Agent**: Site Reliability Engineer`) read from mdast nodes.
 * A paragraph or list may hold several fields, in any order, with prose between;
 * a value is the source text from the label to the next label.
 */
import type { Nodes, Parent, PhrasingContent } from 'mdast';

export interface Field {
  /** Lower-cased label without decoration: `agent`, `input variables`. */
  name: string;
  /** The value as written (Markdown source, trimmed). */
  value: string;
  /** Back-ticked names in the value. */
  codes: string[];
  line: number;
  /** Source offset where the value ends, for a value continued by the next node. */
  endOffset: number;
}

/** Plain text of a node, without Markdown syntax. */
export function textOf(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(textOf).join('');
  return '';
}

/** `🎯 Goal:` → `goal`; emoji, punctuation and mojibake around the label are ignored. */
export function normaliseLabel(label: string): string {
  return label
    .replace(/^[^\p{L}]+|[^\p{L}\p{N})]+$/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

interface Label {
  name: string;
  line: number;
  valueStart: number;
  nodeStart: number;
}

function labelsIn(children: PhrasingContent[], source: string): Label[] {
  const labels: Label[] = [];
  children.forEach((child, index) => {
    if (child.type !== 'strong' || !child.position) return;
    const strongText = textOf(child);
    const next = children[index + 1];
    const nextText = next?.type === 'text' ? next.value : '';
    const colonInside = /:\s*$/.test(strongText);
    if (!colonInside && !/^\s*:/.test(nextText)) return;
    let valueStart = child.position.end.offset ?? 0;
    if (!colonInside) valueStart = source.indexOf(':', valueStart) + 1;
    labels.push({
      name: normaliseLabel(strongText),
      line: child.position.start.line,
      valueStart,
      nodeStart: child.position.start.offset ?? 0,
    });
  });
  return labels;
}

function codesBetween(node: Nodes, start: number, end: number): string[] {
  const codes: string[] = [];
  const visit = (current: Nodes): void => {
    if (current.type === 'inlineCode') {
      const offset = current.position?.start.offset ?? -1;
      if (offset >= start && offset < end) codes.push(current.value.trim());
      return;
    }
    if ('children' in current) for (const child of current.children as Nodes[]) visit(child);
  };
  visit(node);
  return codes;
}

/** Fields in one paragraph (or heading) node. */
function fieldsInPhrasing(node: Parent & Nodes, source: string): Field[] {
  const children = node.children as PhrasingContent[];
  const labels = labelsIn(children, source);
  const end = node.position?.end.offset ?? source.length;
  return labels.map((label, index) => {
    const valueEnd = labels[index + 1]?.nodeStart ?? end;
    return {
      name: label.name,
      value: cleanValue(source.slice(label.valueStart, valueEnd)),
      codes: codesBetween(node, label.valueStart, valueEnd),
      line: label.line,
      endOffset: valueEnd,
    };
  });
}

function cleanValue(value: string): string {
  return value
    .replace(/\u00a0/g, ' ')
    .replace(/^[\s:]+/, '')
    .trim();
}

/** Fields in a block node: a paragraph, or every item of a list. */
export function fieldsIn(node: Nodes, source: string): Field[] {
  if (node.type === 'paragraph') return fieldsInPhrasing(node, source);
  if (node.type === 'list' || node.type === 'listItem' || node.type === 'blockquote') {
    return (node.children as Nodes[]).flatMap((child) => fieldsIn(child, source));
  }
  return [];
}

/** Back-ticked names anywhere in a node (a list of variables under a field). */
export function codesIn(node: Nodes): string[] {
  return codesBetween(node, 0, Number.POSITIVE_INFINITY);
}
