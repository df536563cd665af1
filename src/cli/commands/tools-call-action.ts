/** `warroom tools call <name> --input <json>`. */
export { callTool as default } from './tools-action.js';
