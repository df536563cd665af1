/**
 * stdout and stderr of a sandboxed program under one shared byte budget. Past
 * the budget nothing more is kept, so a program printing gigabytes costs
 * warroom at most `limit` bytes of memory.
 */
export type OutputStream = 'stdout' | 'stderr';

export class CapturedOutput {
  readonly #limit: number;
  readonly #chunks: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [] };
  #total = 0;
  #cut: OutputStream | null = null;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Keeps what fits; returns false once the budget is exceeded. */
  add(stream: OutputStream, chunk: Buffer): boolean {
    if (this.#cut !== null) return false;
    const room = this.#limit - this.#total;
    if (chunk.length <= room) {
      this.#chunks[stream].push(chunk);
      this.#total += chunk.length;
      return true;
    }
    this.#chunks[stream].push(chunk.subarray(0, room));
    this.#total = this.#limit;
    this.#cut = stream;
    return false;
  }

  get truncated(): boolean {
    return this.#cut !== null;
  }

  /** The stream's text; the stream that overflowed ends with a note saying so. */
  text(stream: OutputStream): string {
    const text = Buffer.concat(this.#chunks[stream]).toString('utf8');
    if (this.#cut !== stream) return text;
    return `${text}\n[warroom: output cut at ${this.#limit} bytes (stdout and stderr together); the program was killed]`;
  }
}
