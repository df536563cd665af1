/**
 * The line-based rule for prompt blocks. Real chains nest fenced blocks inside a
 * prompt's fence (a ```markdown example holding a ```java block), which a
 * CommonMark parser would cut at the first bare fence. So prompts are found by
 * this pass first and blanked out before the Markdown parser sees the file:
 *
 * - the fence after a `**Prompt**:` label opens level 1;
 * - inside, a fence line with an info string (```json) opens a level, a bare
 *   fence closes the innermost (same character, at least as long as its opener);
 * - the prompt ends when the level returns to 0; lines indented four or more
 *   spaces are never fences.
 */

export interface PromptBlock {
  /** Line of the `**Prompt**` label. */
  labelLine: number;
  /** Line of the opening fence. */
  fenceLine: number;
  /** Line of the closing fence (undefined when the block never closes). */
  endLine: number | undefined;
  /** The prompt text between the fences. */
  text: string;
}

export interface Fence {
  marker: string;
  info: string;
}

const fencePattern = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const promptLabelPattern = /^\s{0,3}(?:[-*+]\s+)?\*\*\s*prompt\s*\*\*\s*:?/i;

export function parseFence(line: string): Fence | undefined {
  const match = fencePattern.exec(line);
  if (!match) return undefined;
  const marker = match[1] ?? '';
  const info = (match[2] ?? '').trim();
  // CommonMark: a backtick fence's info string may not contain backticks.
  if (marker.startsWith('`') && info.includes('`')) return undefined;
  return { marker, info };
}

function closes(fence: Fence, opener: Fence): boolean {
  return (
    fence.info === '' &&
    fence.marker[0] === opener.marker[0] &&
    fence.marker.length >= opener.marker.length
  );
}

/** Finds where a prompt that opens at `fenceIndex` closes (0-based indexes). */
function findPromptEnd(lines: string[], fenceIndex: number, opener: Fence): number | undefined {
  const stack: Fence[] = [opener];
  for (let index = fenceIndex + 1; index < lines.length; index++) {
    const fence = parseFence(lines[index] ?? '');
    if (!fence) continue;
    const innermost = stack[stack.length - 1] as Fence;
    if (closes(fence, innermost)) {
      stack.pop();
      if (stack.length === 0) return index;
    } else if (fence.info !== '') {
      stack.push(fence);
    }
  }
  return undefined;
}

/** Finds every prompt block; ordinary fenced blocks elsewhere are skipped whole. */
export function findPromptBlocks(lines: string[]): PromptBlock[] {
  const blocks: PromptBlock[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] ?? '';
    const fence = parseFence(line);
    if (fence) {
      index = skipOrdinaryFence(lines, index, fence);
      continue;
    }
    if (promptLabelPattern.test(line)) {
      const block = readPromptAfterLabel(lines, index);
      if (block) {
        blocks.push(block);
        index = block.endLine === undefined ? lines.length : block.endLine;
        continue;
      }
    }
    index++;
  }
  return blocks;
}

function skipOrdinaryFence(lines: string[], index: number, opener: Fence): number {
  for (let next = index + 1; next < lines.length; next++) {
    const fence = parseFence(lines[next] ?? '');
    if (fence && closes(fence, opener)) return next + 1;
  }
  return lines.length;
}

function readPromptAfterLabel(lines: string[], labelIndex: number): PromptBlock | undefined {
  let fenceIndex = labelIndex + 1;
  while (fenceIndex < lines.length && (lines[fenceIndex] ?? '').trim() === '') fenceIndex++;
  const opener = parseFence(lines[fenceIndex] ?? '');
  if (!opener) return undefined;
  const endIndex = findPromptEnd(lines, fenceIndex, opener);
  const last = endIndex ?? lines.length;
  return {
    labelLine: labelIndex + 1,
    fenceLine: fenceIndex + 1,
    endLine: endIndex === undefined ? undefined : endIndex + 1,
    text: lines.slice(fenceIndex + 1, last).join('\n'),
  };
}

/** A copy of the lines with each prompt block (fences included) blanked out. */
export function blankPromptBlocks(lines: string[], blocks: PromptBlock[]): string[] {
  const copy = [...lines];
  for (const block of blocks) {
    const last = block.endLine ?? lines.length;
    for (let line = block.fenceLine; line <= last; line++) copy[line - 1] = '';
  }
  return copy;
}
