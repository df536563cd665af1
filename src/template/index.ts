/**
 * template/: the Handlebars environment for prompt templates — helpers, reference extraction
 * from the template AST (for pre-flight and the dependency graph), and strict rendering that
 * never turns a missing value into empty text.
 *
 * Knows nothing of Markdown (a caller hands over the template text and its location) nor of
 * providers (rendering returns a string; sending it is someone else's job).
 */

export {
  type JsonTemplate,
  jsonTemplateReferences,
  parseJsonTemplate,
  renderJsonTemplate,
} from './json-template.js';
export { parseTemplate } from './parse-template.js';
export { evaluateTemplateValue, isSingleExpression, renderTemplate } from './render-template.js';
export type { Template, TemplateLocation, TemplateReference } from './template.js';
export { helperNames } from './template-helpers.js';
