/**
 * Finds the offset of the first syntax error in JSON text. Node 20's JSON.parse
 * names no position for some errors ("Unexpected token 'x', ... is not valid JSON"),
 * so parseJson falls back to this scan to point the author at a line and column.
 * It only runs on text JSON.parse already rejected.
 */

const whitespace = new Set([' ', '\t', '\n', '\r']);
const literals = ['true', 'false', 'null'];
const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const escapePattern = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

class JsonSyntaxStop {
  constructor(readonly offset: number) {}
}

class Scanner {
  offset = 0;

  constructor(private readonly text: string) {}

  fail(): never {
    throw new JsonSyntaxStop(this.offset);
  }

  skipWhitespace(): void {
    while (whitespace.has(this.text[this.offset] ?? '')) this.offset += 1;
  }

  expect(character: string): void {
    this.skipWhitespace();
    if (this.text[this.offset] !== character) this.fail();
    this.offset += 1;
  }

  value(): void {
    this.skipWhitespace();
    const character = this.text[this.offset];
    if (character === '{') this.object();
    else if (character === '[') this.array();
    else if (character === '"') this.string();
    else this.scalar();
  }

  object(): void {
    this.offset += 1;
    this.skipWhitespace();
    if (this.text[this.offset] === '}') {
      this.offset += 1;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.offset] !== '"') this.fail();
      this.string();
      this.expect(':');
      this.value();
      this.skipWhitespace();
      const next = this.text[this.offset];
      this.offset += 1;
      if (next === '}') return;
      if (next !== ',') this.stepBackAndFail();
    }
  }

  array(): void {
    this.offset += 1;
    this.skipWhitespace();
    if (this.text[this.offset] === ']') {
      this.offset += 1;
      return;
    }
    for (;;) {
      this.value();
      this.skipWhitespace();
      const next = this.text[this.offset];
      this.offset += 1;
      if (next === ']') return;
      if (next !== ',') this.stepBackAndFail();
    }
  }

  string(): void {
    this.offset += 1;
    for (;;) {
      const character = this.text[this.offset];
      if (character === undefined || character < ' ') this.fail();
      if (character === '"') {
        this.offset += 1;
        return;
      }
      if (character === '\\') {
        escapePattern.lastIndex = this.offset;
        if (!escapePattern.test(this.text)) this.fail();
        this.offset = escapePattern.lastIndex;
      } else {
        this.offset += 1;
      }
    }
  }

  scalar(): void {
    const literal = literals.find((word) => this.text.startsWith(word, this.offset));
    if (literal !== undefined) {
      this.offset += literal.length;
      return;
    }
    numberPattern.lastIndex = this.offset;
    if (!numberPattern.test(this.text)) this.fail();
    this.offset = numberPattern.lastIndex;
  }

  private stepBackAndFail(): never {
    this.offset -= 1;
    this.fail();
  }
}

/** The offset of the first syntax error, or the text's length when it ends too early. */
export function locateJsonError(text: string): number {
  const scanner = new Scanner(text);
  try {
    scanner.value();
    scanner.skipWhitespace();
    return scanner.offset;
  } catch (error) {
    if (error instanceof JsonSyntaxStop) return Math.min(error.offset, text.length);
    // Nesting deep enough to exhaust the stack: point at the end rather than guess.
    if (error instanceof RangeError) return text.length;
    throw error;
  }
}
