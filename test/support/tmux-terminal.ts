/**
 * A real terminal for interactive tests: the program runs in a detached tmux
 * session (its own pseudo-terminal, as over SSH), keys are sent as a person would
 * type them, and the screen is read back. No timing: `waitFor` polls the screen
 * until the text appears or its deadline passes, then fails naming what it saw.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface Terminal {
  /** Types text (literally) and, unless told otherwise, presses Enter. */
  type(text: string, options?: { enter?: boolean }): void;
  /** Presses keys by tmux name: `C-c`, `Enter`, `Up`. */
  press(...keys: string[]): void;
  /** The visible screen and the scrollback, as plain text. */
  screen(): string;
  /** Resolves with the screen once `pattern` appears in it. */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves once the program has exited, with its exit status. */
  waitForExit(timeoutMs?: number): Promise<number>;
  close(): void;
}

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

export function openTerminal(options: {
  command: string[];
  cwd: string;
  env?: Record<string, string>;
  columns?: number;
  rows?: number;
}): Terminal {
  const session = `warroom-test-${randomBytes(4).toString('hex')}`;
  // `env -i` plus what the test gives: the program sees exactly that environment
  // (no CI=true from the test runner, which would turn prompting off).
  const env = Object.entries({
    PATH: process.env.PATH ?? '',
    TERM: 'xterm-256color',
    ...options.env,
  });
  tmux(
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    String(options.columns ?? 160),
    '-y',
    String(options.rows ?? 50),
    '-c',
    options.cwd,
    'env',
    '-i',
    ...env.map(([key, value]) => `${key}=${value}`),
    // tmux here sometimes misses its pane process's exit and never reports the status,
    // so a shell, which always reaps its child, prints it on the screen instead.
    'sh',
    '-c',
    '"$@"; echo "[exit $?]"',
    'sh',
    ...options.command,
  );
  // Keep the pane after the program exits, to read its last screen.
  tmux('set-option', '-t', session, 'remain-on-exit', 'on');
  const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-2000', '-t', session);
  const poll = async <T>(check: () => T | undefined, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `terminal: ${what} did not happen in ${timeoutMs} ms; screen:\n${screen()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return {
    type(text, typeOptions = {}) {
      tmux('send-keys', '-t', session, '-l', text);
      if (typeOptions.enter !== false) tmux('send-keys', '-t', session, 'Enter');
    },
    press(...keys) {
      tmux('send-keys', '-t', session, ...keys);
    },
    screen,
    waitFor(pattern, timeoutMs = 20_000) {
      const matches = (text: string) =>
        typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
      return poll(
        () => {
          const text = screen();
          return matches(text) ? text : undefined;
        },
        timeoutMs,
        `"${String(pattern)}" on screen`,
      );
    },
    async waitForExit(timeoutMs = 20_000) {
      const marker = /\n\[exit (\d+)\]/;
      const screenNow = await this.waitFor(marker, timeoutMs);
      return Number(marker.exec(screenNow)?.[1]);
    },
    close() {
      try {
        tmux('kill-session', '-t', session);
      } catch {
        // Already gone.
      }
    },
  };
}
