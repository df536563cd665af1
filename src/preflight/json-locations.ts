/** Maps a JSON path in a document's text to the line it sits on, for diagnostics. */
import { findNodeAtLocation, parseTree } from 'jsonc-parser';

/** `$.alert.threshold` / `$.recent_changes[2].at` → segments. */
export function segmentsOfPath(path: string): Array<string | number> {
  const segments: Array<string | number> = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (const match of path.replace(/^\$/, '').matchAll(pattern)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(match[3]);
  }
  return segments;
}

/** The 1-based line of the value at `path` (or of its nearest existing parent). */
export function lineOfJsonPath(text: string, path: string): number {
  const root = parseTree(text);
  if (!root) return 1;
  const segments = segmentsOfPath(path);
  for (let length = segments.length; length >= 0; length--) {
    const node = findNodeAtLocation(root, segments.slice(0, length));
    if (node) {
      const offset = node.parent?.type === 'property' ? node.parent.offset : node.offset;
      return text.slice(0, offset).split('\n').length;
    }
  }
  return 1;
}
