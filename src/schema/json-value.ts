/**
 * JSON values and schemas. Structurally identical to `JsonValue` / `JsonSchema` in
 * src/provider/spec.ts, so values pass freely between the two; declared here because
 * the lint boundary keeps definition modules (schema/) from importing provider/.
 */

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

export type JsonSchema = { [key: string]: JsonValue };
