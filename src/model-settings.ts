/**
 * Model settings as written in chain front matter and persona files: one zod
 * schema for both, so the two accept exactly the same keys.
 */
import { z } from 'zod';

export const modelSettingsSchema = z
  .object({
    provider: z.string().min(1).optional(),
    modelId: z.string().min(1).optional(),
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().min(0).max(1).optional(),
    maxOutputTokens: z.number().int().positive().optional(),
  })
  .strict();

export type ModelSettings = z.infer<typeof modelSettingsSchema>;
