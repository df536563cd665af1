/**
 * report/: the aggregation of subtask outputs into report.json (validated
 * against the report schema) and report.md. Knows nothing of providers.
 */
export {
  buildReport,
  type MissingSubtask,
  type Report,
  type ReportedDecision,
  templateContext,
  validateReport,
} from './build-report.js';
export { renderReportMarkdown } from './render-markdown.js';
