/**
 * persona/: persona files → `Persona` (system prompt, model settings, tool
 * allowlist), the registry keyed by id, and `**Agent**` matching. Knows nothing
 * of how tools work or how models are called.
 */
export { type Persona, type PersonaSettings, parsePersona } from './persona.js';
export { loadPersonas, matchPersona, type PersonaRegistry } from './persona-registry.js';
