/**
 * warroom's library API: load and pre-flight chains, run them, providers and
 * fixtures. The CLI uses only what is exported here.
 */
export * from './agent/index.js';
export * from './chain/index.js';
export * from './engine/index.js';
export { type Diagnostic, type ErrorCode, formatDiagnostic, WarroomError } from './errors.js';
export * from './fixture/index.js';
export * from './investigate/index.js';
export * from './persona/index.js';
export * from './preflight/index.js';
export * from './provider/index.js';
export * from './report/index.js';
export {
  createSchemaValidator,
  extractJson,
  loadSchemaFile,
  parseJson,
  type SchemaValidator,
  type Violation,
} from './schema/index.js';
export {
  routeIncident,
  type SeverityRoute,
  type SeverityRoutesConfig,
} from './severity.js';
export * from './telemetry/index.js';
export * from './template/index.js';
export * from './tools/index.js';
