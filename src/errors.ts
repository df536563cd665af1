/**
 * Errors: one base class with a stable code, a message that says how to fix the
 * problem, structured context and a cause. Only the CLI prints them.
 */

const marker = Symbol.for('warroom.error');

export type ErrorCode =
  | 'CHAIN_PARSE'
  | 'CHAIN_NOT_FOUND'
  | 'TEMPLATE_PARSE'
  | 'TEMPLATE_REF'
  | 'SCHEMA_INVALID'
  | 'SCHEMA_LOAD'
  | 'OUTPUT_INVALID'
  | 'INPUT_INVALID'
  | 'PERSONA_INVALID'
  | 'PREFLIGHT_FAILED'
  | 'FIXTURE_MISS'
  | 'FIXTURE_INVALID'
  | 'PROVIDER_CALL'
  | 'PROVIDER_RATE_LIMIT'
  | 'USAGE'
  | 'RUN_FAILED'
  | 'TOOL_DENIED'
  | 'SUBTASK_MAX_TURNS'
  | 'SUBTASK_TOKEN_BUDGET'
  | 'SEVERITY_UNKNOWN'
  | 'DECISION_NEEDED';

/** Where a problem sits in a definition: all optional, all readonly. */
export interface ErrorContext {
  readonly file?: string;
  readonly line?: number;
  readonly subtask?: number;
  readonly path?: string;
}

export interface WarroomErrorOptions extends ErrorContext {
  code: ErrorCode;
  message: string;
  cause?: unknown;
  /** A user mistake (definition, input, usage): the CLI exits 2 instead of 1. */
  userError?: boolean;
}

export class WarroomError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;
  readonly userError: boolean;
  readonly [marker] = true;

  constructor(options: WarroomErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WarroomError';
    this.code = options.code;
    this.userError = options.userError ?? false;
    this.context = Object.freeze({
      file: options.file,
      line: options.line,
      subtask: options.subtask,
      path: options.path,
    });
  }

  /** Works across duplicated installs, unlike instanceof. */
  static isInstance(value: unknown): value is WarroomError {
    return typeof value === 'object' && value !== null && marker in value;
  }

  /** `file:line: message` when the location is known. */
  get located(): string {
    const { file, line } = this.context;
    if (file === undefined) return this.message;
    return line === undefined ? `${file}: ${this.message}` : `${file}:${line}: ${this.message}`;
  }
}

/** A problem found in a definition or input without running anything. */
export interface Diagnostic {
  file: string;
  line: number;
  severity: 'error' | 'warning';
  code: string;
  message: string;
}

export function formatDiagnostic(diagnostic: Diagnostic): string {
  const tag = diagnostic.severity === 'warning' ? 'warning: ' : '';
  return `${diagnostic.file}:${diagnostic.line}: ${tag}${diagnostic.message}`;
}
