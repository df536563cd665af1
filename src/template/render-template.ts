import type { Template } from './template.js';

/**
 * Renders a template to prompt text. Throws WarroomError TEMPLATE_REF (file, absolute line,
 * subtask, path) when a required value is undefined or a helper gets an argument it cannot use.
 */
export function renderTemplate(template: Template, context: Record<string, unknown>): string {
  return template.run(context, { location: template.location });
}

/** True when the trimmed source is exactly one `{{…}}`: evaluateTemplateValue returns a value. */
export function isSingleExpression(template: Template): boolean {
  return template.singleExpression;
}

/**
 * For a single expression, the value itself (a path's raw object, array or number; a helper's
 * return value), so a JSON aggregation template can embed it unquoted. Otherwise the rendered
 * string. Undefined throws TEMPLATE_REF, as in rendering.
 */
export function evaluateTemplateValue(
  template: Template,
  context: Record<string, unknown>,
): unknown {
  if (!template.singleExpression) return renderTemplate(template, context);
  const capture: { value: unknown } = { value: undefined };
  template.run(context, { location: template.location, capture });
  return capture.value;
}
