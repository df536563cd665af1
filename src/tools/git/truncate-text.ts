/**
 * Keeps tool results small: the model's context is the scarcest thing in a run.
 * Every cut says how much was cut, so the model knows to narrow its question
 * instead of reasoning from a silently partial answer.
 */

export function truncateText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const omitted = text.length - maxChars;
  return `${text.slice(0, maxChars)}… [truncated: ${omitted} more characters]`;
}

/** A commit message as the subject line plus a short body, the part that explains a change. */
export function compactMessage(message: string, maxBodyChars: number): string {
  const normalized = message.replace(/\r\n/g, '\n').trim();
  const newline = normalized.indexOf('\n');
  if (newline === -1) return normalized;
  const subject = normalized.slice(0, newline).trim();
  const body = normalized.slice(newline + 1).trim();
  return body === '' ? subject : `${subject}\n\n${truncateText(body, maxBodyChars)}`;
}

/**
 * Shares one character budget among several patches (a commit's files): each gets
 * at most `perItem`, and once the budget is spent later patches are left out.
 */
export class PatchBudget {
  #remaining: number;
  readonly #perItem: number;

  constructor(total: number, perItem: number) {
    this.#remaining = total;
    this.#perItem = perItem;
  }

  take(patch: string): string {
    if (this.#remaining <= 0)
      return `[patch left out: output budget spent, ${patch.length} characters]`;
    const allowed = Math.min(this.#perItem, this.#remaining);
    const kept = truncateText(patch, allowed);
    this.#remaining -= Math.min(patch.length, allowed);
    return kept;
  }
}
