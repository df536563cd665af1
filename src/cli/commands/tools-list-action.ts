/** `warroom tools list`. */
export { listTools as default } from './tools-action.js';
