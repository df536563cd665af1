/** Where the CLI writes, and how it shows paths and diagnostics. Only cli/ prints. */
import { isAbsolute, relative } from 'node:path';
import { type Diagnostic, formatDiagnostic } from '../errors.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
  };
}

/** A path as the user would type it from here. */
export function shownPath(io: CliIo, path: string): string {
  if (!isAbsolute(path)) return path;
  const fromHere = relative(io.cwd, path);
  return fromHere.startsWith('..') || fromHere === '' ? path : fromHere;
}

export function printDiagnostics(io: CliIo, diagnostics: Diagnostic[]): void {
  for (const diagnostic of diagnostics) {
    io.stderr(`${formatDiagnostic({ ...diagnostic, file: shownPath(io, diagnostic.file) })}\n`);
  }
}

export function countSummary(diagnostics: Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/** `$WARROOM_HOME`, default `./.warroom`. */
export function warroomHome(io: CliIo): string {
  return io.env.WARROOM_HOME || '.warroom';
}
