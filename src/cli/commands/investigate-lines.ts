/**
 * Where the engineer's lines come from in `warroom investigate`: the keyboard
 * (readline owns the input line; output arriving while the engineer types goes above
 * the prompt) or a rehearsal script (its lines echoed as if typed).
 */
import { clearLine, createInterface, cursorTo } from 'node:readline';
import type { CliIo } from '../cli-io.js';

/** A line the engineer entered, and how it looks on the screen (after its prompt). */
export interface EnteredLine {
  text: string;
  shown: string;
  /** The terminal put it on the screen as it was typed. */
  echoed: boolean;
}

/** Lines in the order they arrive, from a script or the keyboard; `undefined` at the end. */
export interface LineSource {
  /** The next line; rejects when `signal` aborts while waiting (a cancelled y/N). */
  /**
   * `fresh`: only a line entered after this prompt is shown answers it (a write's y/N):
   * lines typed ahead stay queued for later, never taken as the answer.
   */
  next(
    prompt: string,
    signal?: AbortSignal,
    options?: { fresh?: boolean },
  ): Promise<EnteredLine | undefined>;
  /** Shows text without garbling the prompt or what the engineer is typing. */
  print(text: string): void;
  /** Where the last line came from (a script's file and line). */
  where(): string;
  /** Calls `handler` on each Ctrl-C; returns the way to stop listening. */
  onInterrupt(handler: () => void): () => void;
  close(): void;
}

/**
 * The keyboard. On a terminal, readline owns the input line: output that arrives
 * while the prompt is up (or while the engineer types ahead) clears the line, is
 * written above it, and the prompt is drawn again with what was typed so far.
 */
export function keyboardLines(io: CliIo, transcribe: (shown: string) => void): LineSource {
  const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const output = process.stdout;
  const readline = createInterface({
    input: process.stdin,
    ...(terminal ? { output } : {}),
    terminal,
    prompt: '',
  });
  const queued: EnteredLine[] = [];
  let waiting: { resolve: (line: EnteredLine | undefined) => void; done: () => void } | undefined;
  let prompting = false;
  let closed = false;
  readline.on('line', (text) => {
    // A line typed ahead, while the persona worked, is on the screen without a prompt.
    const shown = `${prompting || !terminal ? readline.getPrompt() : ''}${text}`;
    const entered = { text, shown, echoed: terminal };
    if (terminal) transcribe(shown);
    prompting = false;
    readline.setPrompt('');
    const taker = waiting;
    if (taker) {
      taker.done();
      taker.resolve(entered);
    } else queued.push(entered);
  });
  readline.on('close', () => {
    closed = true;
    // Leave the prompt's line, so what follows starts on its own.
    if (terminal && (prompting || readline.line.length > 0)) output.write('\n');
    prompting = false;
    const taker = waiting;
    taker?.done();
    taker?.resolve(undefined);
  });
  return {
    next(prompt, signal, options = {}) {
      const typedAhead = options.fresh ? undefined : queued.shift();
      if (typedAhead !== undefined) {
        // Shown by the program (not echoed by a terminal), it goes after the prompt.
        return Promise.resolve(
          terminal ? typedAhead : { ...typedAhead, shown: `${prompt}${typedAhead.text}` },
        );
      }
      if (closed) return Promise.resolve(undefined);
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise((resolveLine, reject) => {
        const onAbort = () => {
          waiting?.done();
          if (terminal) {
            // The unanswered prompt stays on the screen, so in the transcript too.
            transcribe(`${readline.getPrompt()}${readline.line}`);
            prompting = false;
            readline.setPrompt('');
            output.write('\n');
          }
          reject(signal?.reason);
        };
        waiting = {
          resolve: resolveLine,
          done: () => {
            waiting = undefined;
            signal?.removeEventListener('abort', onAbort);
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        readline.setPrompt(prompt);
        if (terminal) {
          prompting = true;
          // Keeps what was typed ahead, after the prompt.
          readline.prompt(true);
        }
      });
    },
    print(text) {
      if (!terminal || closed) {
        io.stdout(`${text}\n`);
        return;
      }
      const redraw = prompting || readline.line.length > 0;
      if (redraw) {
        clearLine(output, 0);
        cursorTo(output, 0);
      }
      output.write(`${text}\n`);
      if (redraw) readline.prompt(true);
    },
    where: () => 'the keyboard',
    onInterrupt(handler) {
      const onReadline = () => {
        // As in a shell: Ctrl-C drops what was typed on the line.
        if (readline.line.length > 0) {
          readline.write(null, { ctrl: true, name: 'e' });
          readline.write(null, { ctrl: true, name: 'u' });
        }
        handler();
      };
      // On a terminal Ctrl-C reaches readline as a key; otherwise it is the process signal.
      readline.on('SIGINT', onReadline);
      process.on('SIGINT', handler);
      return () => {
        readline.removeListener('SIGINT', onReadline);
        process.removeListener('SIGINT', handler);
      };
    },
    close() {
      if (!closed) readline.close();
    },
  };
}

/** A rehearsal: the script's lines, shown as if typed; blank and `#` lines are skipped. */
export function scriptLines(io: CliIo, file: string, lines: string[]): LineSource {
  let index = 0;
  let lineNumber = 0;
  let closed = false;
  return {
    async next(prompt, signal) {
      signal?.throwIfAborted();
      while (!closed && index < lines.length) {
        const line = lines[index] ?? '';
        index += 1;
        if (line.trim() === '' || line.startsWith('#')) continue;
        lineNumber = index;
        return { text: line, shown: `${prompt}${line}`, echoed: false };
      }
      return undefined;
    },
    print: (text) => io.stdout(`${text}\n`),
    where: () => `${file}:${lineNumber}`,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => process.removeListener('SIGINT', handler);
    },
    close() {
      closed = true;
    },
  };
}
