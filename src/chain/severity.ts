/** Severity as a chain uses it; the scale itself is shared (src/severity.ts). */
export { normalizeSeverity, type Severity, severityLevels } from '../severity.js';

/** Where a chain reads the incident's severity: an input field, or a subtask's output. */
export interface SeveritySource {
  /** Dotted path as written: `severity`, `alert.severity`, `subtask_1_output.severity.level`. */
  path: string[];
  /** Set when the path starts at `subtask_N_output`: that subtask decides the severity. */
  subtask?: number;
  line: number;
}
