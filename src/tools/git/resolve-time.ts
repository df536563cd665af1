/**
 * Time bounds as a model writes them: RFC 3339 (`2026-11-26T06:00:00Z`) or
 * relative to the injected clock (`now`, `now-6h`, `now-30m`, `now-2d`, `now-1w`),
 * the same relative form the Prometheus tools take, so one incident window can be
 * passed to every tool.
 */

const relativePattern = /^now(?:-(\d{1,6})([smhdw]))?$/;
const rfc3339Pattern =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

const unitMs: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export type TimeStyle = 'rfc3339' | 'git';

/** UTC, whole seconds: what GitHub documents (`YYYY-MM-DDTHH:MM:SSZ`) and git reads. */
export function formatRfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function relativeTime(value: string, now: Date): Date | undefined {
  const match = relativePattern.exec(value.trim());
  if (match === null) return undefined;
  const [, amount, unit] = match;
  if (amount === undefined || unit === undefined) return now;
  return new Date(now.getTime() - Number(amount) * (unitMs[unit] ?? 0));
}

/**
 * `rfc3339`: GitHub takes only absolute times, so anything else is an error.
 * `git`: git reads its own date forms (`2.hours.ago`, `yesterday`), so those pass
 * through; only something that could be read as an option is refused.
 */
export function resolveTime(value: string, field: string, now: Date, style: TimeStyle): string {
  const relative = relativeTime(value, now);
  if (relative !== undefined) return formatRfc3339(relative);
  const trimmed = value.trim();
  if (rfc3339Pattern.test(trimmed)) {
    const parsed = Date.parse(trimmed.length === 10 ? `${trimmed}T00:00:00Z` : trimmed);
    if (!Number.isNaN(parsed)) return formatRfc3339(new Date(parsed));
  }
  if (style === 'git' && trimmed !== '' && !trimmed.startsWith('-')) return trimmed;
  throw new Error(
    `${field}: ${JSON.stringify(value)} is not a time; use RFC 3339 (2026-11-26T06:00:00Z) or a relative time (now-6h)`,
  );
}
