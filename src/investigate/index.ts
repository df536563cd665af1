/**
 * investigate/: the live war room. An engineer talks to one persona at a time,
 * switches persona mid-incident (the newcomer gets a hand-off from the incident's
 * memory, not the raw transcript), records findings, runs chains on what has been
 * established, and writes the incident record. Sessions record into fixtures and
 * replay from them like chain runs. Knows nothing of the terminal: cli/ drives it.
 */
export { handOff, openingMessage, warRoomFraming } from './handoff.js';
export {
  type IncidentFile,
  IncidentMemory,
  incidentDirectory,
  type MemoryEntry,
  type MemoryKind,
  memoryKinds,
} from './incident-memory.js';
export {
  type IncidentRecord,
  incidentRecordSchema,
  renderIncidentRecord,
  writeIncidentRecord,
} from './incident-record.js';
export {
  Investigation,
  type InvestigationEvent,
  type InvestigationOptions,
  summarize,
} from './investigation.js';
export { memoryToolNames, memoryTools } from './memory-tools.js';
export { type LineOutcome, WarRoom, type WarRoomOptions } from './war-room.js';
