/**
 * Model settings as written in chain front matter and persona files: one zod
 * schema for both, so the two accept exactly the same keys.
 */
import { z } from 'zod';

/** `provider/model-id`, as `--model` takes it: a fallback always names its provider. */
export const fallbackModelSchema = z
  .string()
  .regex(/^[^/\s]+\/\S+$/, 'a fallback names provider and model, e.g. "openai/gpt-4.1"');

export const modelSettingsSchema = z
  .object({
    provider: z.string().min(1).optional(),
    modelId: z.string().min(1).optional(),
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().min(0).max(1).optional(),
    maxOutputTokens: z.number().int().positive().optional(),
    /**
     * Models tried in order when the primary fails with a provider outage (retries
     * spent, circuit open). Engine-only: it never reaches a request or a fixture key.
     * `[]` turns off a fallback set further up (or in the config file).
     */
    fallback: z.array(fallbackModelSchema).optional(),
  })
  .strict();

export type ModelSettings = z.infer<typeof modelSettingsSchema>;
