/**
 * Names a model passes on to git or GitHub. A value starting with `-` would be
 * read by git as an option (option injection), so it is refused everywhere;
 * branch names follow git's `check-ref-format` rules, so a bad name fails here
 * with a reason rather than half-way through a write.
 */

export function rejectOptionLike(value: string, field: string): string {
  if (value.startsWith('-')) {
    throw new Error(
      `${field} ${JSON.stringify(value)} starts with "-", which git would read as an option`,
    );
  }
  return value;
}

// What `git check-ref-format --branch` refuses, in the order a person would check.
const branchRules: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\s~^:?*[\\]/, 'contains a space or one of ~ ^ : ? * [ \\'],
  [/\.\./, 'contains ".."'],
  [/@\{/, 'contains "@{"'],
  [/\/\/|^\/|\/$/, 'has an empty path component'],
  [/(^|\/)\./, 'has a component starting with "."'],
  [/\.lock(\/|$)|\.$/, 'ends a component with ".lock" or "."'],
  [/^@$/, 'is "@"'],
];

// Control characters checked by code point: a regex listing them trips the linter's guard.
function hasControlCharacter(value: string): boolean {
  for (const character of value) {
    const code = character.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function checkBranchName(branch: string, field = 'branch'): string {
  rejectOptionLike(branch, field);
  if (hasControlCharacter(branch)) {
    throw new Error(
      `${field} ${JSON.stringify(branch)} is not a valid branch name: it contains a control character`,
    );
  }
  for (const [pattern, reason] of branchRules) {
    if (pattern.test(branch)) {
      throw new Error(
        `${field} ${JSON.stringify(branch)} is not a valid branch name: it ${reason}`,
      );
    }
  }
  return branch;
}
