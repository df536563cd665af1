/**
 * How a value becomes prompt text. Objects and arrays become indented JSON so a model sees
 * structure, never "[object Object]"; null is spelled out so absence is visible.
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null) return 'null';
  if (typeof value === 'object') return JSON.stringify(value, null, 2);
  return String(value);
}

/** One item of a joined list: objects stay on one line so the separator keeps items apart. */
export function formatListItem(value: unknown): string {
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return formatValue(value);
}

/** A short type name for messages: 'array', 'null', 'object', 'string'… */
export function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}
