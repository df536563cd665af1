import { type ErrorCode, WarroomError } from '../errors.js';
import type { TemplateLocation } from './template.js';

/** Converts a line counted inside the template (1-based) to a line of the chain file. */
export function absoluteLine(location: TemplateLocation, templateLine: number): number {
  return location.singleLine ? location.line : location.line + templateLine - 1;
}

interface TemplateErrorDetails {
  /** The variable concerned, for TEMPLATE_REF. */
  path?: string;
  cause?: unknown;
}

/**
 * Every template error ends with "(subtask N, line L)" so a message read on its own (a log
 * line, a report) still says where to look.
 */
export function templateError(
  code: Extract<ErrorCode, 'TEMPLATE_PARSE' | 'TEMPLATE_REF'>,
  location: TemplateLocation,
  templateLine: number,
  message: string,
  details: TemplateErrorDetails = {},
): WarroomError {
  const line = absoluteLine(location, templateLine);
  const where =
    location.subtask === undefined ? `line ${line}` : `subtask ${location.subtask}, line ${line}`;
  return new WarroomError({
    code,
    message: `${message} (${where})`,
    file: location.file,
    line,
    subtask: location.subtask,
    path: details.path,
    cause: details.cause,
    // A syntax error is a definition mistake; a missing value at render time is a run failure.
    userError: code === 'TEMPLATE_PARSE',
  });
}
