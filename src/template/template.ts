/** The parsed prompt template and where it came from; produced only by parseTemplate. */

export interface TemplateLocation {
  file: string;
  /** Source line of the template's first line in the chain file. */
  line: number;
  subtask?: number;
  /**
   * The template was one line of the file (a JSON string in the aggregation, whose
   * `\n` escapes are not file lines): every template line maps to `line`.
   */
  singleLine?: boolean;
}

export interface TemplateReference {
  /**
   * Resolved from the root scope. A '[]' segment stands for any item of an array (or any
   * value of an object) iterated by #each.
   */
  path: string[];
  /** As written, e.g. 'this.event' or '../incident_id'. */
  text: string;
  /** Absolute line in the chain file. */
  line: number;
  /** 1-based column in that line, counted from the template's own text. */
  column: number;
  /** True inside `default`'s first argument and #if/#unless conditions: the value may be absent. */
  optional: boolean;
}

/** What the internal helpers need at render time; passed through Handlebars' @data. */
export interface RenderState {
  location: TemplateLocation;
  /** Set when evaluating a single expression: the value is captured here instead of rendered. */
  capture?: { value: unknown };
}

export type CompiledProgram = (context: Record<string, unknown>, state: RenderState) => string;

export interface Template {
  source: string;
  location: TemplateLocation;
  references: TemplateReference[];
  /** Internal: true when the trimmed source is exactly one mustache. */
  readonly singleExpression: boolean;
  /** Internal: the strict program; call renderTemplate/evaluateTemplateValue instead. */
  readonly run: CompiledProgram;
}
